import { z } from 'zod';
import { permissions, roles } from '../../people/index.js';

/** A person as the console API shows them (never a password hash). */
export const personSchema = z.object({
  id: z.number().int(),
  login: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(roles)).readonly(),
  childSafetyOptInAt: z.string().nullable().describe('when the person opted in to child-safety work; null: not'),
  disabled: z.boolean(),
  createdAt: z.string(),
});

/** The body of `POST`/`GET /console/api/session`. */
export const sessionSchema = z.object({
  person: personSchema,
  csrfToken: z.string().describe('send it in the x-csrf-token header of every write'),
  permissions: z.array(z.enum(permissions)),
  childSafety: z.boolean().describe('whether the person may work child-safety queues (role and opt-in)'),
});
