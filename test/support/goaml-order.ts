import { childNames, descendants, type ParsedElement } from './xml-tree.js';

/**
 * The goAML 5.0.1 element sequences the goAML builder follows (notes/financial-reporting.md
 * §1.2–1.3 and the 5.0.1 XSD, read for reference and not vendored), and a checker that walks a
 * whole report against them: goAML's `xs:sequence` makes the order binding.
 */
export const reportOrder = [
  'schema_version',
  'rentity_id',
  'rentity_branch',
  'submission_code',
  'report_code',
  'entity_reference',
  'fiu_ref_number',
  'prev_rejected_ref_number',
  'submission_date',
  'report_date',
  'currency_code_local',
  'reporting_person',
  'reporting_user_code',
  'location',
  'reason',
  'action',
  'transaction',
  'activity',
  'report_indicators',
  'additional_information',
];
export const transactionOrder = [
  'transactionnumber',
  'transaction_is_suspicious',
  'internal_ref_number',
  'agent_name',
  'transaction_location',
  'transaction_address',
  'transaction_description',
  'date_transaction',
  'teller',
  'authorized',
  'late_deposit',
  'date_posting',
  'value_date',
  'transaction_type_code',
  'transmode_code',
  'transmode_comment',
  'amount_local',
  'transaction_status',
  'involved_parties',
  't_from_my_client',
  't_from',
  't_to_my_client',
  't_to',
  'goods_services',
  'means_of_transport',
  'comments',
];
export const sideOrder = (side: 'from' | 'to'): string[] => [
  `${side}_funds_code`,
  `${side}_funds_comment`,
  `${side}_foreign_currency`,
  't_conductor',
  `${side}_account`,
  `${side}_person`,
  `${side}_entity`,
  `${side}_country`,
];
export const addressOrder = ['address_type', 'address', 'town', 'city', 'zip', 'country_code', 'state', 'comments'];

// Sequences of the nested types, from the goAML 5.0.1 XSD (read for reference, not vendored).
export const personOrder = [
  'gender',
  'title',
  'first_name',
  'middle_name',
  'prefix',
  'last_name',
  'birthdate',
  'birth_place',
  'country_of_birth',
  'mothers_name',
  'alias',
  'full_name_frn',
  'previous_names',
  'ssn',
  'passport_number',
  'passport_country',
  'id_number',
  'nationality1',
  'nationality2',
  'nationality3',
  'residence',
  'residence_since',
  'phones',
  'addresses',
  'network_devices',
  'email',
  'social_media',
  'occupation',
  'employer_name',
  'employment_history',
  'identification',
  'deceased',
  'date_deceased',
  'tax_number',
  'tax_reg_number',
  'source_of_wealth',
  'comments',
];
export const accountOrder = [
  'institution_name',
  'institution_code',
  'swift',
  'institution_country',
  'non_bank_institution',
  'branch',
  'account',
  'currency_code',
  'account_name',
  'iban',
  'client_number',
  'account_type',
  't_entity',
  'signatory',
  'opened',
  'closed',
  'status_code',
  'comments',
];
export const nestedOrders: Record<string, readonly string[]> = {
  from_person: personOrder,
  to_person: personOrder,
  person: personOrder,
  t_person: personOrder,
  location: addressOrder,
  address: addressOrder,
  phone: [
    'tph_contact_type',
    'tph_communication_type',
    'tph_country_prefix',
    'tph_number',
    'tph_extension',
    'comments',
  ],
  identification: ['type', 'number', 'issue_date', 'expiry_date', 'issued_by', 'issue_country', 'comments'],
  from_foreign_currency: ['foreign_currency_code', 'foreign_amount', 'foreign_exchange_rate'],
  from_account: accountOrder,
  to_account: accountOrder,
  signatory: ['is_primary', 't_person', 'role'],
  report_party: [
    'role',
    'person',
    'account',
    'entity',
    'country',
    'is_suspected',
    'significance',
    'reason',
    'comments',
  ],
  activity: ['report_parties', 'goods_services'],
};

/** The sequence an element's children must follow, when this file knows it. */
export function goamlSequenceOf(name: string): readonly string[] | undefined {
  if (name === 'report') return reportOrder;
  if (name === 'transaction') return transactionOrder;
  if (name === 't_from' || name === 't_from_my_client') return sideOrder('from');
  if (name === 't_to' || name === 't_to_my_client') return sideOrder('to');
  return nestedOrders[name];
}

/**
 * Every order problem of a goAML report, at every level whose sequence is known: a child the
 * sequence does not allow, or children out of order (an element may repeat). Also counts the
 * elements checked, so a test can tell that the walk reached them.
 */
export function goamlOrderProblems(root: ParsedElement): { readonly problems: string[]; readonly checked: number } {
  const problems: string[] = [];
  let checked = 0;
  for (const node of descendants(root)) {
    const order = goamlSequenceOf(node.name);
    if (order === undefined || node.children.length === 0) continue;
    checked += 1;
    const names = childNames(node);
    let last = -1;
    for (const name of names) {
      const position = order.indexOf(name);
      if (position === -1) problems.push(`<${node.name}> has <${name}>, which its sequence does not allow`);
      else if (position < last) problems.push(`<${node.name}> children out of order: ${names.join(', ')}`);
      else last = position;
    }
  }
  return { problems, checked };
}
