/**
 * The script of a worker thread of this folder: the compiled `NAME.js` beside this module, or,
 * under tsx (a `.ts` module), a bootstrap that registers tsx in the worker first (a worker does
 * not inherit the parent's module hooks on Node 20), as the hashing pool does.
 */
export function workerEntry(name: string): { readonly script: string | URL; readonly eval: boolean } {
  const moduleUrl = import.meta.url;
  if (!moduleUrl.endsWith('.ts')) return { script: new URL(`./${name}.js`, moduleUrl), eval: false };
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL(`./${name}.ts`, moduleUrl).href);
  return { script: `import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}); });`, eval: true };
}
