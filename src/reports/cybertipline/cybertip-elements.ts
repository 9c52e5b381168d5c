import type { z } from 'zod';
import { element, optionalTextElement, textElement, type XmlElement } from '../xml-writer.js';
import type { cybertipIpCaptureEvent, cybertipReportSchema } from './cybertip-schema.js';

/**
 * The schema's shared types as elements, each in its XSD sequence (the NCMEC note §3, "Shared
 * types"): Person, ipCaptureEvent, deviceId, estimatedLocation. Builders take parsed (valid)
 * values only; the tests hold the expected sequences independently of this code.
 */

type Report = z.output<typeof cybertipReportSchema>;
type ContactPerson = NonNullable<Report['reporter']['contactPerson']>;
type Person = NonNullable<NonNullable<Report['personOrUserReported']>['person']>;
type DeviceId = NonNullable<NonNullable<Report['personOrUserReported']>['deviceIds']>[number];
type EstimatedLocation = NonNullable<NonNullable<Report['personOrUserReported']>['estimatedLocation']>;
type IpCaptureEvent = z.output<typeof cybertipIpCaptureEvent>;

/** `true` / `false` as XML Schema booleans, or nothing. */
export function optionalBoolean(name: string, value: boolean | undefined): XmlElement | undefined {
  return value === undefined ? undefined : textElement(name, value ? 'true' : 'false');
}

/** One element per value, in the given order (a repeated element such as `displayName`). */
export function repeated(name: string, values: readonly string[] | undefined): XmlElement[] {
  return (values ?? []).map((value) => textElement(name, value));
}

/** Person: `firstName`, `lastName`, `phone*`, `email*`, `address*`, `age`, `dateOfBirth`. */
export function personElement(name: string, person: ContactPerson | Person): XmlElement {
  const full = person as Person;
  return element(name, [
    optionalTextElement('firstName', person.firstName),
    optionalTextElement('lastName', person.lastName),
    (person.phones ?? []).map((phone) =>
      textElement('phone', phone.number, {
        type: phone.type,
        verified: phone.verified === undefined ? undefined : String(phone.verified),
        verificationDate: phone.verificationDate,
        countryCallingCode: phone.countryCallingCode,
        extension: phone.extension,
      }),
    ),
    (person.emails ?? []).map((email) =>
      textElement('email', email.address, {
        type: email.type,
        verified: email.verified === undefined ? undefined : String(email.verified),
        verificationDate: email.verificationDate,
      }),
    ),
    (person.addresses ?? []).map((address) =>
      element(
        'address',
        [
          optionalTextElement('address', address.address),
          optionalTextElement('city', address.city),
          optionalTextElement('zipCode', address.zipCode),
          optionalTextElement('state', address.state),
          optionalTextElement('nonUsaState', address.nonUsaState),
          optionalTextElement('country', address.country),
        ],
        { type: address.type },
      ),
    ),
    optionalTextElement('age', full.age),
    optionalTextElement('dateOfBirth', full.dateOfBirth),
  ]);
}

/** ipCaptureEvent: `ipAddress`, `eventName`, `dateTime`, `possibleProxy`, `port` (Coop's bug #869 was this order). */
export function ipCaptureEventElement(event: IpCaptureEvent): XmlElement {
  return element('ipCaptureEvent', [
    textElement('ipAddress', event.ipAddress),
    optionalTextElement('eventName', event.eventName),
    optionalTextElement('dateTime', event.dateTime),
    optionalBoolean('possibleProxy', event.possibleProxy),
    optionalTextElement('port', event.port),
  ]);
}

/** deviceId: `idType`, `idValue`, `eventName`, `dateTime`. */
export function deviceIdElement(device: DeviceId): XmlElement {
  return element('deviceId', [
    textElement('idType', device.idType),
    textElement('idValue', device.idValue),
    optionalTextElement('eventName', device.eventName),
    optionalTextElement('dateTime', device.dateTime),
  ]);
}

/**
 * estimatedLocation: `city`, `region`, `countryCode`; `verified` and `timestamp` as attributes,
 * as the typed public client (Cybertipline-Tools, whose JSDoc links NCMEC's documentation) writes
 * them. The note lists them beside the children without saying which: an assumption to check
 * against `GET /xsd` (docs/cybertipline.md).
 */
export function estimatedLocationElement(location: EstimatedLocation): XmlElement {
  return element(
    'estimatedLocation',
    [
      optionalTextElement('city', location.city),
      optionalTextElement('region', location.region),
      textElement('countryCode', location.countryCode),
    ],
    {
      verified: location.verified === undefined ? undefined : String(location.verified),
      timestamp: location.timestamp,
    },
  );
}
