import { useEffect, useState } from 'react';

export type Loaded<T> =
  { state: 'loading' } | { state: 'error'; message: string } | { state: 'ok'; value: T };

/** Runs `load` when `key` changes; `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, key: string): [Loaded<T>, () => void] {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && setResult({ state: 'ok', value }),
      (e: unknown) => live && setResult({ state: 'error', message: (e as Error).message }),
    );
    return () => {
      live = false;
    };
  }, [key, tick]); // `key` names what `load` depends on
  return [result, () => setTick((t) => t + 1)];
}
