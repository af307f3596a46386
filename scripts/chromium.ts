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

/** Chromium, headless, with the project's flags. */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}
