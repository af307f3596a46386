import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: `.ci/run` installs it when missing. */
export const CHROMIUM = '/usr/bin/chromium';

/** The launch flags the project runs Chromium with (a container, no GPU, no phoning home). */
export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];

/**
 * Why browser tests cannot run here, or undefined when they can. In CI (CI=true) a missing
 * Chromium is a failure, never a skip: the caller asserts on this.
 */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `${CHROMIUM} is missing (apt-get install -y chromium): browser tests skipped`;
}

/** Chromium, headless, with the project's flags. */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}
