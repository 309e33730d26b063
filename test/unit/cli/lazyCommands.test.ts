/**
 * The CLI loads only the module of the command it runs (issue 16: `score`'s start). Checked on
 * the built CLI in a fresh node process, since jest's module registry is not node's.
 */
import { spawnSync } from 'node:child_process';
import { CLI } from '../../support/cli';

/** The modules under dist/src (and whether express) a fresh process holds after building the program for `args`. */
function loadedFor(args: string[]): { modules: string[]; express: boolean } {
  const script = `
    const { buildProgram } = require(${JSON.stringify(CLI)});
    buildProgram(['node', 'rekindle', ...${JSON.stringify(args)}]);
    const loaded = Object.keys(require.cache);
    console.log(JSON.stringify({
      modules: loaded.filter((f) => f.includes('/dist/src/cli/')).map((f) => f.split('/').pop()),
      express: loaded.some((f) => f.includes('/node_modules/express/')),
    }));`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout);
}

describe('lazy command modules', () => {
  it('loads only the model commands for `score`, also after the global --now', () => {
    for (const args of [['score', '--no-intervals'], ['--now', '2026-01-01T00:00:00Z', 'score']]) {
      const { modules, express } = loadedFor(args);
      expect(modules).toContain('modelCommands.js');
      expect(modules).not.toContain('campaignCommands.js');
      expect(modules).not.toContain('serveCommand.js');
      expect(express).toBe(false);
    }
  });

  it('loads every command for help and for a name it does not know, so both list them all', () => {
    for (const args of [['--help'], ['scor']]) {
      const { modules } = loadedFor(args);
      expect(modules).toEqual(expect.arrayContaining(['modelCommands.js', 'campaignCommands.js', 'serveCommand.js', 'privacyCommands.js']));
    }
  });
});
