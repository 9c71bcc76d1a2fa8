// gc.mjs: a full garbage collection on demand, for the bench scripts that time several
// libraries in one process. Called before each timed series, so the garbage the series before
// left (html-to-text and marked leave megabytes; pith its strings) is not collected during this
// one and billed to it: the 100 KB lists page of html_speed.mjs measured 950 µs a call alone and
// 1,370 µs right after html-to-text's run on another page.
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

v8.setFlagsFromString('--expose-gc');

/** Collect all garbage now. */
export const fullGC = runInNewContext('gc');
