// Debian's Chromium driven by playwright-core, as the browser tests use it: the binary, and the
// flags that work on these machines (no network beyond loopback, running as root).
import { existsSync } from 'node:fs'

export const CHROMIUM = '/usr/bin/chromium'

export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

/** tap's skip option: false where Chromium is installed, else the reason. */
export const skipWithoutChromium = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (.ci/run installs it)`
