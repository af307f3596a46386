import { describe, expect, it } from 'vitest';
import { IdMaker, isHostName, mostCommon, nameLike } from './canary-shapes.js';

describe('canary shapes', () => {
  it('makes ids in the directory’s own pattern, never one already taken', () => {
    const existing = Array.from({ length: 90 }, (_, i) => `s-${100 + i}`);
    const maker = IdMaker.forKind('seller', existing);
    const made = Array.from({ length: 50 }, () => maker.next().id);
    for (const id of made) expect(id).toMatch(/^s-[1-9]\d{2,}$/);
    expect(new Set([...existing, ...made]).size).toBe(existing.length + made.length);
  });

  it('keeps zero-padded and prefixed patterns, and falls back when the kind is empty', () => {
    expect(IdMaker.forKind('review', ['r-000041']).next().id).toMatch(/^r-\d{6}$/);
    expect(IdMaker.forKind('review', []).next().id).toMatch(/^r-[1-9]\d{5}$/);
  });

  it('names like the template, its own number replaced', () => {
    expect(nameLike('Seller 104', 's-104', '187')).toBe('Seller 187');
    expect(nameLike('Acme', 's-104', '187')).toBe('Acme');
    expect(nameLike(undefined, 's-104', '187')).toBeUndefined();
  });

  it('picks the most common category and checks host names', () => {
    expect(mostCommon(['toys', 'home', 'toys'])).toBe('toys');
    expect(mostCommon([])).toBeUndefined();
    expect(isHostName('mail.example.org')).toBe(true);
    expect(isHostName('not a domain')).toBe(false);
    expect(isHostName('localhost')).toBe(false);
  });
});
