// args.mjs: the command line of the bench scripts. `opt(name, default)` takes `name value` out
// of the arguments (so a value that starts with "--", as in `--args "--markdown"`, is never read
// as an option of its own); what is left once the options are taken, `positional()`, are the
// script's operands.
export function parseArgs(argv = process.argv.slice(2)) {
  const args = [...argv];
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    if (i < 0 || i + 1 >= args.length) return dflt;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const positional = () => args.filter((a) => !a.startsWith('--'));
  return { opt, positional };
}
