// Builds and packages the extension (`npm run package` -> dist/stream-health.vsix), as the user
// would before installing it; shared by `npm start` and the e2e suite.
import { existsSync, statSync } from 'node:fs';
import { REPO_ROOT, VSIX_PATH } from './paths.ts';
import { envWithOurNode, runCommand } from './run.ts';
import { ToolError } from './errors.ts';

export async function packageExtension(log: (line: string) => void = console.log): Promise<string> {
  const started = Date.now();
  log('building and packaging the extension (npm run package)');
  await runCommand('npm', ['run', '--silent', 'package'], {
    cwd: REPO_ROOT,
    env: envWithOurNode(),
    quiet: true,
    hint: 'Run `npm run package` to see the full error.',
  });
  if (!existsSync(VSIX_PATH) || statSync(VSIX_PATH).mtimeMs < started - 1000) {
    throw new ToolError('SH_ERR_NO_VSIX', `npm run package did not write ${VSIX_PATH}. Run it by hand to see why.`);
  }
  log(`packaged ${VSIX_PATH} (${Math.round(statSync(VSIX_PATH).size / 1024)} KiB)`);
  return VSIX_PATH;
}
