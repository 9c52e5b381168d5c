/**
 * Whether two party names end in the same word (case-insensitive, at least two letters): a
 * possible family link between payer and payee. Only ever used to withhold an inference of "no
 * established link" (F03's behavioural path), never as evidence against anyone; false when either
 * name is absent.
 */
export function sharedSurname(payerName: unknown, payeeName: unknown): boolean {
  const payer = lastWord(payerName);
  return payer !== undefined && payer === lastWord(payeeName);
}

function lastWord(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const trimmed = name.trim();
  const word = trimmed.slice(trimmed.lastIndexOf(' ') + 1).toLowerCase();
  return word.length >= 2 ? word : undefined;
}
