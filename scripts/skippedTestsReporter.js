// A jest reporter that ends the run with one line per suite jest.config.js left out (see
// testPrerequisites.js), so a green local run never hides that the browser or PostgreSQL tests
// did not run. Silent when the run was narrowed to files that do not include those suites.
class SkippedTestsReporter {
  constructor(globalConfig, options = {}) {
    this.pattern = globalConfig.testPathPattern || '';
    this.skipped = options.skipped || [];
    // Where the lines go; a test replaces it.
    this.write = (text) => process.stderr.write(text);
  }

  onRunComplete() {
    const wanted = (folder) => {
      if (!this.pattern) return true;
      try {
        return new RegExp(this.pattern, 'i').test(folder) || folder.includes(this.pattern);
      } catch {
        return folder.includes(this.pattern);
      }
    };
    const lines = this.skipped.filter((suite) => wanted(suite.folder)).map((suite) => `  ${suite.message}`);
    if (lines.length) this.write(`\nNot run on this machine:\n${lines.join('\n')}\n`);
  }
}

module.exports = SkippedTestsReporter;
