/**
 * The tile storage of the log's hashes: layout (`tile-layout.ts`), the in-memory appender
 * (`tile-writer.ts`) and the proof-time reader (`tile-reader.ts`).
 */
export {
  FULL_TILE_HASHES,
  TILE_HEIGHT,
  TILE_WIDTH,
  hashesInTile,
  offsetInTile,
  tileWidth,
} from './tile-layout.js';
export type { Tile, TileLoader } from './tile-layout.js';
export { TileReader } from './tile-reader.js';
export { TileWriter } from './tile-writer.js';
