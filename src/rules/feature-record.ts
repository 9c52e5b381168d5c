/**
 * The `features` of a rule context computed on first read instead of all up front.
 *
 * A policy keeps a hundred features or more, and the engine used to work out every one that
 * applied to an event (dozens per payment, each summing up to 61 buckets) before any rule ran,
 * although its rules read a handful: that was a third of the engine's time. A lazy record reads
 * like the plain record it replaces (`features.name`, `features[name]`, `name in features`,
 * `JSON.stringify(features)`), and each value is computed once, on first read, and then kept.
 */

/** Where a lazy record's values come from: the value of the feature at `index` (its position in the names). */
export interface FeatureSource {
  valueAt(index: number): number | null;
}

/** A lazy feature record: every named feature is a read-only property computed on first read. */
export type FeatureRecord = Readonly<Record<string, number | null>>;

/** Marks the records `featureRecordType` makes, so that readers may treat their names as present. */
const lazyMark: unique symbol = Symbol('lazy feature record');

const sourceKey: unique symbol = Symbol('source');
const valuesKey: unique symbol = Symbol('values');

/** What a lazy record holds: its source and the values read so far (`undefined`: not read yet). */
interface LazyState {
  [sourceKey]: FeatureSource;
  [valuesKey]: (number | null | undefined)[];
}

/** The constructor of lazy records over one list of feature names. */
export type FeatureRecordType = new (source: FeatureSource) => FeatureRecord;

/**
 * A class whose instances read feature `names[i]` as `source.valueAt(i)`, computed on the first
 * read and kept for the record's life. Build it once per feature list (its prototype holds one
 * getter per name) and one instance per event.
 *
 * Contract of an instance, for the rules reading it: each name is present (`in`), its value is
 * what the source gives (`null`: not available); names are on the prototype, which has no
 * `Object.prototype` above it, so `Object.hasOwn` and `Object.keys` do not see them (see
 * `isFeatureRecord`); `JSON.stringify` gives every value. The values are those of the moment they are
 * read: the engine's records must be read while the rules run on their event, as rules do.
 */
export function featureRecordType(names: readonly string[]): FeatureRecordType {
  const count = names.length;
  // No class: a class's prototype has a `constructor` property, which would hide a feature of
  // that name. The instances' own properties are symbols, which no feature name can meet.
  const prototype: Record<PropertyKey, unknown> = Object.create(null);
  const read = (record: LazyState, index: number): number | null => {
    const values = record[valuesKey];
    let value = values[index];
    if (value === undefined) {
      value = record[sourceKey].valueAt(index);
      values[index] = value;
    }
    return value;
  };
  names.forEach((name, index) => {
    Object.defineProperty(prototype, name, {
      get(this: LazyState) {
        return read(this, index);
      },
      enumerable: true,
    });
  });
  Object.defineProperty(prototype, lazyMark, { value: true });
  Object.defineProperty(prototype, 'toJSON', {
    value(this: LazyState) {
      const values: Record<string, number | null> = {};
      names.forEach((name, index) => {
        values[name] = read(this, index);
      });
      return values;
    },
  });
  function LazyFeatureRecord(this: LazyState, source: FeatureSource): void {
    this[sourceKey] = source;
    this[valuesKey] = new Array(count);
  }
  LazyFeatureRecord.prototype = prototype;
  return LazyFeatureRecord as unknown as FeatureRecordType;
}

/**
 * Whether `record` is a lazy record (`featureRecordType`): its names are not own properties, but
 * it holds no other string-keyed property either (no `Object.prototype` above it), so a reader
 * may read any feature name from it directly.
 */
export function isFeatureRecord(record: object): boolean {
  return (record as { [lazyMark]?: boolean })[lazyMark] === true;
}
