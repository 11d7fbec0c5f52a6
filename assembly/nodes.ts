// Payload node index writer shared by the DLMS, GBZ and DER walkers. Nodes live in the
// fixed region allocated at start-up (memory.ts); a walk that needs more than
// MAX_NODES fails with E_TOO_MANY_NODES instead of growing anything.
import { E_TOO_MANY_NODES, MAX_NODES, NODE_WORDS, N_AUX, N_END, N_KIND, N_NEXT, N_START, N_VALUE } from '../src/wasm/layout';
import { nodeBase } from './memory';
import { fail } from './reader';

export let nodeCount: i32 = 0;
/** Absolute address of the first payload byte: node offsets are relative to it. */
let payloadBase: usize = 0;

export function resetNodes(p: usize): void {
  nodeCount = 0;
  payloadBase = p;
}

@inline function addr(i: i32, w: i32): usize {
  return nodeBase + ((<usize>i * <usize>NODE_WORDS + <usize>w) << 2);
}

/** Opens a node at absolute `start`; returns its index or -1 (error latched). */
@inline export function newNode(cls: u32, tag: u32, start: usize): i32 {
  if (nodeCount >= MAX_NODES) return fail(E_TOO_MANY_NODES, start);
  const i = nodeCount++;
  const rel = <u32>(start - payloadBase);
  store<u32>(addr(i, N_KIND), (cls << 8) | (tag & 0xff));
  store<u32>(addr(i, N_START), rel);
  store<u32>(addr(i, N_VALUE), rel);
  store<u32>(addr(i, N_END), rel);
  store<u32>(addr(i, N_NEXT), <u32>(i + 1));
  store<u32>(addr(i, N_AUX), 0);
  return i;
}

@inline export function setValue(i: i32, p: usize): void {
  store<u32>(addr(i, N_VALUE), <u32>(p - payloadBase));
}

@inline export function setAux(i: i32, v: u32): void {
  store<u32>(addr(i, N_AUX), v);
}

@inline export function auxOf(i: i32): u32 {
  return load<u32>(addr(i, N_AUX));
}

@inline export function tagOf(i: i32): u32 {
  return load<u32>(addr(i, N_KIND)) & 0xff;
}

@inline export function nextOf(i: i32): i32 {
  return <i32>load<u32>(addr(i, N_NEXT));
}

/** Closes node i at absolute `end`: its subtree is every node opened since. */
@inline export function closeNode(i: i32, end: usize): void {
  store<u32>(addr(i, N_END), <u32>(end - payloadBase));
  store<u32>(addr(i, N_NEXT), <u32>nodeCount);
}
