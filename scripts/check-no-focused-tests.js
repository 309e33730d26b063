#!/usr/bin/env node
// Focused or skipped tests silently shrink what CI checks; refuse them on main.
const fs = require('fs');
const path = require('path');
const pattern = /\b(?:it|test|describe)\.(?:only|skip)\s*\(|\bx(?:it|test|describe)\s*\(|\bf(?:it|describe)\s*\(/;
const offenders = [];
function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (/\.(ts|js)$/.test(entry.name)) {
      fs.readFileSync(full, 'utf8').split('\n').forEach((line, i) => {
        if (pattern.test(line)) offenders.push(`${full}:${i + 1}: ${line.trim()}`);
      });
    }
  }
}
walk(path.join(__dirname, '..', 'test'));
if (offenders.length) {
  console.error('Focused or skipped tests are not allowed on main:\n' + offenders.join('\n'));
  process.exit(1);
}
