// Validates a glTF 2.0 file with the Khronos glTF-Validator and prints its issue counts.
// Usage: node gltf_validate.cjs <folder holding node_modules/gltf-validator> <file.glb|.gltf>
// Exit status: 0 when there are no errors and no warnings, 1 otherwise, 2 on bad usage.
'use strict';
const fs = require('fs');
const path = require('path');

const [installFolder, file] = process.argv.slice(2);
if (!installFolder || !file) {
  console.error('usage: node gltf_validate.cjs <validator install folder> <file.glb>');
  process.exit(2);
}
const validator = require(path.join(path.resolve(installFolder), 'node_modules', 'gltf-validator'));
const bytes = new Uint8Array(fs.readFileSync(file));
validator
  .validateBytes(bytes, { uri: path.basename(file), maxIssues: 100 })
  .then((report) => {
    const issues = report.issues;
    for (const message of issues.messages) {
      console.log(`${['error', 'warning', 'info', 'hint'][message.severity]} ${message.code} ${message.pointer || ''}: ${message.message}`);
    }
    console.log(`validator ${report.validatorVersion}: errors: ${issues.numErrors} warnings: ${issues.numWarnings} infos: ${issues.numInfos} hints: ${issues.numHints}`);
    process.exit(issues.numErrors === 0 && issues.numWarnings === 0 ? 0 : 1);
  })
  .catch((error) => {
    console.error(`validation failed to run: ${error}`);
    process.exit(1);
  });
