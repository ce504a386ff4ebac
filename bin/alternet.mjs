#!/usr/bin/env node
// Launcher for `alternet`: the command line is TypeScript that Node runs directly (type
// stripping, Node ≥ 22.18), so this file only checks the version and hands over.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `alternet needs Node 22.18 or newer (it runs TypeScript directly); this is Node ${process.versions.node}.`,
  )
  process.exit(1)
}

const cli = fileURLToPath(new URL('../src/node/cli/alternet.ts', import.meta.url))
// Node 22 strips types without a warning only from 23.6 on; keep the output clean.
const flags = major === 22 ? ['--disable-warning=ExperimentalWarning'] : []
const child = spawn(process.execPath, [...flags, cli, ...process.argv.slice(2)], {
  stdio: 'inherit',
})
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) =>
  process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)),
)
