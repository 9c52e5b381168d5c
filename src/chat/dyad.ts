/**
 * The pair of users as one entity (a dyad), so features and rules see the relationship rather
 * than either side alone. The id is the two user ids in code-unit order joined by `~`, so it is
 * the same whichever side sends: `dyadEntityId('u-2', 'u-1') === 'u-1~u-2'`.
 * @throws RangeError when the two ids are equal (a user is not a pair with themselves).
 */
export function dyadEntityId(firstUser: string, secondUser: string): string {
  if (firstUser === secondUser) throw new RangeError('a dyad needs two different users');
  return firstUser < secondUser ? `${firstUser}~${secondUser}` : `${secondUser}~${firstUser}`;
}
