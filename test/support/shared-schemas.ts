import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Report schemas for validation tests: `$PREVAIL_SHARED_DIR/schemas`, or `../shared/schemas`
 * beside the repository (never copied into it), validated with `xmllint` (Debian package
 * `libxml2-utils`). Tests skip with the reason below when either is missing, and node:test
 * prints it.
 */
const repositoryRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const sharedRoot = process.env.PREVAIL_SHARED_DIR ?? join(repositoryRoot, '..', 'shared');

/** FinCEN's SAR batch schema (`EFL_SARXBatchSchema.xsd`). */
export const fincenSarSchema = join(sharedRoot, 'schemas', 'fincen', 'EFL_SARXBatchSchema.xsd');

/** True when `xmllint` runs. */
export const xmllintAvailable = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).status === 0;

/** `false` when xmllint and the FinCEN schema are both present, otherwise the reason to print for the skip. */
export const fincenSchemaSkipReason: string | false = !xmllintAvailable
  ? 'xmllint is not installed (Debian package libxml2-utils)'
  : existsSync(fincenSarSchema)
    ? false
    : `the FinCEN SAR schema is not at ${fincenSarSchema} (set PREVAIL_SHARED_DIR to run these tests)`;

/**
 * A goAML XSD the operator points at with `PREVAIL_GOAML_XSD` (their FIU's, or the generic
 * 5.0.1 one); goAML schemas are distributed by each FIU and none is in the repository.
 */
export const goamlSchema = process.env.PREVAIL_GOAML_XSD;

/** `false` when xmllint runs and `PREVAIL_GOAML_XSD` names a file, otherwise the reason to print for the skip. */
export const goamlSchemaSkipReason: string | false = !xmllintAvailable
  ? 'xmllint is not installed (Debian package libxml2-utils)'
  : goamlSchema === undefined
    ? 'PREVAIL_GOAML_XSD is not set (point it at a goAML XSD to validate goAML output)'
    : existsSync(goamlSchema)
      ? false
      : `PREVAIL_GOAML_XSD points at ${goamlSchema}, which does not exist`;

/** What `xmllint --noout --schema` said about a document. */
export interface XmllintResult {
  readonly valid: boolean;
  /** xmllint's messages (errors name the line and element). */
  readonly output: string;
}

/** Validates `xml` (given on standard input) against the XSD at `schemaPath` with xmllint, offline. */
export function xmllintValidate(xml: string, schemaPath: string): XmllintResult {
  const result = spawnSync('xmllint', ['--noout', '--nonet', '--schema', schemaPath, '-'], {
    input: xml,
    encoding: 'utf8',
  });
  return { valid: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}
