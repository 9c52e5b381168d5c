import type { EngineEvent } from '../../events/index.js';
import { defineFeatures, type FeatureDefinition, type FeatureSpec } from '../../features/index.js';
import { indicatorFamilies } from '../indicator-families.js';

type ShippedFamily = (typeof indicatorFamilies)[number];

/**
 * The names of the chat pack's features, for its rules to read. Names are storage keys (snapshots
 * and rule hits refer to them): never rename a released one. Every name starts with `chat_`, then
 * the entity it is kept for: `dyad` (the pair, `dyadEntityId`), `user` (the sender, or the holder
 * of an account event), `recipient` (a `user` read where it receives).
 */
export const chatFeatureNames = Object.freeze({
  /** Per dyad: the first message or indicator between the two (Unix ms; all-time first_seen). */
  dyadFirstContactAt: 'chat_dyad_first_contact_at',
  /** Per dyad: messages in 30 days from the user whose id sorts first to the other. */
  dyadMessagesLowToHigh: 'chat_dyad_messages_low_to_high_30d',
  /** Per dyad: messages in 30 days the other way. */
  dyadMessagesHighToLow: 'chat_dyad_messages_high_to_low_30d',
  /** Per dyad: distinct indicator families in 7 days. */
  dyadFamilies7d: 'chat_dyad_families_7d',
  /** Per dyad: the most mutual contacts the platform reported in 30 days (null: never reported). */
  dyadMutualContacts: 'chat_dyad_mutual_contacts_30d',
  /** Per dyad: the last message saying the two are family or guardian and child (null: never said). */
  dyadFamilyLinkAt: 'chat_dyad_family_link_at',
  /** Per dyad: the last message saying the two know each other through a school or a coach. */
  dyadOrganisationLinkAt: 'chat_dyad_organisation_link_at',
  /** Per dyad: the highest external classifier score in 7 days. */
  dyadClassifierMax: 'chat_dyad_classifier_max_7d',
  /** Per user: assured or declared age in years, the highest stated in 400 days (null: unknown). */
  userAgeYears: 'chat_user_age_years',
  /** Per user: the last account event saying the holder is a minor (Unix ms). */
  userMinorAt: 'chat_user_minor_at',
  /** Per user: the last account event saying the holder is an adult (Unix ms). */
  userAdultAt: 'chat_user_adult_at',
  /** The same three, kept per user and read for the `recipient` of a message or indicator. */
  recipientAgeYears: 'chat_recipient_age_years',
  recipientMinorAt: 'chat_recipient_minor_at',
  recipientAdultAt: 'chat_recipient_adult_at',
  /** Per user: the last account event naming a verified organisation (school, coach, club). */
  userVerifiedOrganisationAt: 'chat_user_verified_organisation_at',
  /** Per user: when the account was created (`account.created`; null: never told). */
  userCreatedAt: 'chat_user_created_at',
  /** Per user: distinct recipients messaged in 24 hours and in 7 days (fan-out). */
  userRecipients1d: 'chat_user_recipients_1d',
  userRecipients7d: 'chat_user_recipients_7d',
  /** Per user: messages sent in 7 days, and those sent between midnight and 5 a.m. local time. */
  userMessages7d: 'chat_user_messages_7d',
  userLateNightMessages7d: 'chat_user_late_night_messages_7d',
  /** Per user: reports (and blocks, sent as reports) by others in 30 days. */
  userReports30d: 'chat_user_reports_30d',
  /** Per user: distinct accounts sent a gift in 7 days. */
  userGiftRecipients7d: 'chat_user_gift_recipients_7d',
  /** Per user: the highest external classifier score about them or their messages in 7 days. */
  userClassifierMax: 'chat_user_classifier_max_7d',
});

/** Per dyad and family: when the family was last seen between the two (Unix ms; all-time last_seen). */
export function dyadLastFamilyFeature(family: ShippedFamily): string {
  return `chat_dyad_last_${family}`;
}

const accountTypes = ['account.created', 'account.updated'];

/** What an account event says of the holder's age: minor, adult, or nothing. */
export function statedAgeClass(data: Readonly<Record<string, unknown>>): 'minor' | 'adult' | undefined {
  const years = data.age_years;
  if (typeof years === 'number') return years < 18 ? 'minor' : 'adult';
  const band = data.age_band;
  if (band === 'under_13' || band === '13_15' || band === '16_17') return 'minor';
  if (band === 'adult') return 'adult';
  if (data.age_assurance === 'minor' || data.age_assurance === 'adult') return data.age_assurance;
  return undefined;
}

const sentLowToHigh = (event: EngineEvent): boolean => {
  const { user, recipient } = event.entities;
  return user !== undefined && recipient !== undefined && user < recipient;
};
const sentHighToLow = (event: EngineEvent): boolean => {
  const { user, recipient } = event.entities;
  return user !== undefined && recipient !== undefined && user > recipient;
};
const lateNight = (event: EngineEvent): boolean =>
  typeof event.data.local_hour === 'number' && event.data.local_hour < 5;

function ageFeatures(role: 'user' | 'recipient'): FeatureDefinition[] {
  const names = chatFeatureNames;
  const own = role === 'user';
  const kept = { entity: 'user', ...(own ? {} : { readRole: 'recipient' }), eventTypes: accountTypes };
  return [
    {
      ...kept,
      name: own ? names.userAgeYears : names.recipientAgeYears,
      aggregate: 'max',
      field: 'data.age_years',
      window: '400d',
    },
    {
      ...kept,
      name: own ? names.userMinorAt : names.recipientMinorAt,
      aggregate: 'last_seen',
      filter: (event) => statedAgeClass(event.data) === 'minor',
    },
    {
      ...kept,
      name: own ? names.userAdultAt : names.recipientAdultAt,
      aggregate: 'last_seen',
      filter: (event) => statedAgeClass(event.data) === 'adult',
    },
  ];
}

/**
 * The pack's features, validated (`defineFeatures`).
 *
 * Which event carries what (the pack's event contract, docs/chat.md): `message.sent` names the
 * sender as `user` and the receiver as `recipient`; the pack adds the `dyad` role to it at
 * ingestion (`deriveEvents`), so per-dyad counts need nothing from the platform. `chat.indicator`
 * names `user`, `recipient` and `dyad`. Account events carry ages (`age_years`, `age_band`,
 * `age_assurance`) and `verified_organisation`; `report.filed` names the reported account as
 * `user`; `gift.sent` the giver as `user`; `classifier.scored` whichever of `user`, `dyad` it is about.
 *
 * First and last seen sit beside windowed features of the same entity, so a dyad keeps its first
 * contact while its windows hold anything: a pair silent for longer than every window (400 days
 * for ages, 30 for counts) is forgotten and its next message is a first contact again.
 */
export function chatFeatures(): readonly FeatureSpec[] {
  const names = chatFeatureNames;
  const definitions: FeatureDefinition[] = [
    {
      name: names.dyadFirstContactAt,
      entity: 'dyad',
      eventTypes: ['message.sent', 'chat.indicator'],
      aggregate: 'first_seen',
    },
    {
      name: names.dyadMessagesLowToHigh,
      entity: 'dyad',
      eventTypes: ['message.sent'],
      aggregate: 'count',
      window: '30d',
      filter: sentLowToHigh,
    },
    {
      name: names.dyadMessagesHighToLow,
      entity: 'dyad',
      eventTypes: ['message.sent'],
      aggregate: 'count',
      window: '30d',
      filter: sentHighToLow,
    },
    {
      name: names.dyadFamilies7d,
      entity: 'dyad',
      eventTypes: ['chat.indicator'],
      aggregate: 'distinct',
      field: 'data.family',
      window: '7d',
    },
    ...indicatorFamilies.map(
      (family): FeatureDefinition => ({
        name: dyadLastFamilyFeature(family),
        entity: 'dyad',
        eventTypes: ['chat.indicator'],
        aggregate: 'last_seen',
        filter: (event) => event.data.family === family,
      }),
    ),
    {
      name: names.dyadMutualContacts,
      entity: 'dyad',
      eventTypes: ['message.sent'],
      aggregate: 'max',
      field: 'data.mutual_contacts',
      window: '30d',
    },
    {
      name: names.dyadFamilyLinkAt,
      entity: 'dyad',
      eventTypes: ['message.sent'],
      aggregate: 'last_seen',
      filter: (event) => event.data.relationship === 'family' || event.data.relationship === 'guardian',
    },
    {
      name: names.dyadOrganisationLinkAt,
      entity: 'dyad',
      eventTypes: ['message.sent'],
      aggregate: 'last_seen',
      filter: (event) => event.data.relationship === 'school' || event.data.relationship === 'coach',
    },
    {
      name: names.dyadClassifierMax,
      entity: 'dyad',
      eventTypes: ['classifier.scored'],
      aggregate: 'max',
      field: 'data.score',
      window: '7d',
    },
    ...ageFeatures('user'),
    ...ageFeatures('recipient'),
    {
      name: names.userVerifiedOrganisationAt,
      entity: 'user',
      eventTypes: accountTypes,
      aggregate: 'last_seen',
      filter: (event) => typeof event.data.verified_organisation === 'string',
    },
    { name: names.userCreatedAt, entity: 'user', eventTypes: ['account.created'], aggregate: 'first_seen' },
    {
      name: names.userRecipients1d,
      entity: 'user',
      eventTypes: ['message.sent'],
      aggregate: 'distinct',
      field: 'entities.recipient',
      window: '1d',
    },
    {
      name: names.userRecipients7d,
      entity: 'user',
      eventTypes: ['message.sent'],
      aggregate: 'distinct',
      field: 'entities.recipient',
      window: '7d',
    },
    { name: names.userMessages7d, entity: 'user', eventTypes: ['message.sent'], aggregate: 'count', window: '7d' },
    {
      name: names.userLateNightMessages7d,
      entity: 'user',
      eventTypes: ['message.sent'],
      aggregate: 'count',
      window: '7d',
      filter: lateNight,
    },
    { name: names.userReports30d, entity: 'user', eventTypes: ['report.filed'], aggregate: 'count', window: '30d' },
    {
      name: names.userGiftRecipients7d,
      entity: 'user',
      eventTypes: ['gift.sent'],
      aggregate: 'distinct',
      field: 'entities.recipient',
      window: '7d',
    },
    {
      name: names.userClassifierMax,
      entity: 'user',
      eventTypes: ['classifier.scored'],
      aggregate: 'max',
      field: 'data.score',
      window: '7d',
    },
  ];
  return defineFeatures(definitions);
}
