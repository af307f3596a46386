import { parentPort, workerData } from 'node:worker_threads';
import { SqliteStore } from '../../store/index.js';
import {
  directoryPartOf,
  type DirectoryPartReply,
  type DirectoryPartRequest,
} from './detect-directory.js';

/**
 * The directory part's worker (`directoryPartInThread`): reads the directory records of the
 * SQLite file given, read-only, and answers the part's bytes, or why it could not.
 */
const { path, size, seed } = workerData as DirectoryPartRequest;

async function answer(): Promise<DirectoryPartReply> {
  const store = SqliteStore.open(path, { readonly: true });
  try {
    const bytes = await directoryPartOf(store, size, seed);
    return { bytes };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    await store.close();
  }
}

const reply = await answer();
parentPort?.postMessage(reply);
