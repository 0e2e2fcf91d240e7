/**
 * A pickle reader that executes nothing (protocols 0-5, as CPython's Lib/pickle.py defines the
 * opcodes). Python's own unpickler calls whatever global the file names, which is how a
 * malicious checkpoint runs code; npm's pickle parsers follow the same model with a registry of
 * JavaScript stand-ins. This one is written here because safety is its whole point: a global is
 * only ever looked up in `allowlist.ts`; anything else becomes an `Inert` placeholder that
 * records the name and is never called, and the importer refuses any placeholder that sits on
 * the path to a tensor.
 */
import { GlobalRef, Inert, PyDict, PySet, isReconstructed, type PyValue } from './values.ts';
import { lookupAllowed } from './allowlist.ts';

export interface UnpickleOptions {
  /** torch's persistent ids (storages); absent: BINPERSID/PERSID are an error. */
  persistentLoad?: (pid: PyValue) => PyValue;
  /** For messages: the file and, inside an archive, the member. */
  source: string;
}

export interface Unpickled {
  value: PyValue;
  /** Offset just past STOP (legacy torch files hold several pickles back to back). */
  end: number;
  /** Every global the pickle referenced (allowlisted or not), as `module.name`. */
  globals: Set<string>;
}

export class PickleError extends Error {}

const MARK = Symbol('mark');
type StackItem = PyValue | typeof MARK;

export function unpickle(bytes: Uint8Array, options: UnpickleOptions, start = 0): Unpickled {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8');
  const stack: StackItem[] = [];
  const memo = new Map<number, PyValue>();
  const globals = new Set<string>();
  let pos = start;

  const fail = (problem: string): never => {
    throw new PickleError(`${options.source}: ${problem} (pickle byte ${pos})`);
  };
  const need = (n: number): void => {
    if (pos + n > bytes.length) fail('the pickle ends early (truncated file?)');
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const slice = bytes.subarray(pos, pos + n);
    pos += n;
    return slice;
  };
  const u8 = (): number => take(1)[0];
  const u16 = (): number => { need(2); const v = view.getUint16(pos, true); pos += 2; return v; };
  const u32 = (): number => { need(4); const v = view.getUint32(pos, true); pos += 4; return v; };
  const i32 = (): number => { need(4); const v = view.getInt32(pos, true); pos += 4; return v; };
  const u64 = (): number => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`a length of ${v} bytes`);
    return Number(v);
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('a text opcode has no newline');
    const text = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const pop = (): PyValue => {
    const item = stack.pop();
    if (item === undefined) fail('the stack is empty');
    if (item === MARK) fail('unexpected MARK');
    return item as PyValue;
  };
  const top = (): PyValue => {
    const item = stack.at(-1);
    if (item === undefined || item === MARK) fail('no object on the stack');
    return item as PyValue;
  };
  const popMark = (): PyValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail('no MARK on the stack');
    const items = stack.splice(at) as PyValue[];
    items.shift();
    return items;
  };
  const get = (key: number): PyValue => {
    if (!memo.has(key)) fail(`memo key ${key} is not set`);
    return memo.get(key)!;
  };
  const global = (module: string, name: string): GlobalRef => {
    globals.add(`${module}.${name}`);
    return new GlobalRef(module, name);
  };
  const call = (callable: PyValue, args: PyValue): PyValue => {
    const argList = Array.isArray(args) ? args : [args];
    if (callable instanceof GlobalRef) {
      const allowed = lookupAllowed(callable);
      if (allowed) {
        try {
          return allowed(argList);
        } catch (error) {
          return fail(`${callable.qualifiedName}: ${(error as Error).message}`);
        }
      }
      return new Inert(callable.qualifiedName, argList);
    }
    return new Inert(callable instanceof Inert ? `${callable.global}(...)` : 'a non-global callable', argList);
  };
  const setItems = (target: PyValue, items: PyValue[]): void => {
    if (items.length % 2 !== 0) fail('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) {
      if (target instanceof PyDict) target.set(items[i], items[i + 1]);
      else if (target instanceof Inert) target.items.push([items[i], items[i + 1]]);
      else fail('SETITEM on something that is not a dict');
    }
  };
  const appendItems = (target: PyValue, items: PyValue[]): void => {
    if (Array.isArray(target)) target.push(...items);
    else if (target instanceof Inert) target.items.push(...items);
    else if (target instanceof PySet) target.items.push(...items);
    else fail('APPEND on something that is not a list');
  };

  for (;;) {
    const opcode = u8();
    switch (opcode) {
      case 0x80: { // PROTO
        const protocol = u8();
        if (protocol > 5) fail(`pickle protocol ${protocol} (at most 5 is known)`);
        break;
      }
      case 0x95: take(8); break; // FRAME: a length hint only
      case 0x2e: { // STOP
        const value = pop();
        return { value, end: pos, globals };
      }
      case 0x28: stack.push(MARK); break;
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      // Constants and numbers.
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(littleEndianSigned(take(u8()))); break; // LONG1
      case 0x8b: stack.push(littleEndianSigned(take(u32()))); break; // LONG4
      case 0x47: { // BINFLOAT: big-endian double
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      }
      case 0x49: { // INT (protocol 0); "01"/"00" are True/False
        const text = line();
        if (text === '01' || text === '00') stack.push(text === '01');
        else stack.push(parseInteger(text, fail));
        break;
      }
      case 0x4c: stack.push(parseInteger(line().replace(/L$/, ''), fail)); break; // LONG
      case 0x46: stack.push(Number.parseFloat(line())); break; // FLOAT
      // Strings and bytes. Python 2 `str` (STRING/BINSTRING) is bytes; read as latin1 text
      // (as `pickle.load(f, encoding='latin1')` does), which keeps every byte.
      case 0x53: stack.push(unquote(line(), fail)); break; // STRING
      case 0x54: stack.push(latin1.decode(take(i32()))); break; // BINSTRING
      case 0x55: stack.push(latin1.decode(take(u8()))); break; // SHORT_BINSTRING
      case 0x56: stack.push(decodeRawUnicodeEscape(line())); break; // UNICODE
      case 0x58: stack.push(utf8.decode(take(u32()))); break; // BINUNICODE
      case 0x8c: stack.push(utf8.decode(take(u8()))); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(utf8.decode(take(u64()))); break; // BINUNICODE8
      case 0x42: stack.push(take(u32()).slice()); break; // BINBYTES
      case 0x43: stack.push(take(u8()).slice()); break; // SHORT_BINBYTES
      case 0x8e: stack.push(take(u64()).slice()); break; // BINBYTES8
      case 0x96: stack.push(take(u64()).slice()); break; // BYTEARRAY8
      case 0x97: fail('out-of-band buffers (NEXT_BUFFER) are not supported'); break;
      case 0x98: break; // READONLY_BUFFER: no-op here
      // Containers.
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x7d: stack.push(new PyDict()); break; // EMPTY_DICT
      case 0x8f: stack.push(new PySet()); break; // EMPTY_SET
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push([a, b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push([a, b, c]); break; } // TUPLE3
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x64: { const dict = new PyDict(); setItems(dict, popMark()); stack.push(dict); break; } // DICT
      case 0x91: { const set = new PySet(); set.items.push(...popMark()); stack.push(set); break; } // FROZENSET
      case 0x61: { const item = pop(); appendItems(top(), [item]); break; } // APPEND
      case 0x65: { const items = popMark(); appendItems(top(), items); break; } // APPENDS
      case 0x90: { const items = popMark(); appendItems(top(), items); break; } // ADDITEMS
      case 0x73: { const value = pop(); const key = pop(); setItems(top(), [key, value]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      // Memo.
      case 0x70: memo.set(parseInteger(line(), fail) as number, top()); break; // PUT
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x67: stack.push(get(parseInteger(line(), fail) as number)); break; // GET
      case 0x68: stack.push(get(u8())); break; // BINGET
      case 0x6a: stack.push(get(u32())); break; // LONG_BINGET
      // Globals and calls: looked up in the allowlist, never imported.
      case 0x63: { const module = line(); stack.push(global(module, line())); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: { const args = pop(); const callable = pop(); stack.push(call(callable, args)); break; } // REDUCE
      case 0x81: { const args = pop(); const cls = pop(); stack.push(call(cls, args)); break; } // NEWOBJ
      case 0x92: { pop(); const args = pop(); const cls = pop(); stack.push(call(cls, args)); break; } // NEWOBJ_EX (kwargs ignored)
      case 0x69: { // INST
        const module = line();
        const cls = global(module, line());
        stack.push(call(cls, popMark()));
        break;
      }
      case 0x6f: { const items = popMark(); const cls = items.shift() ?? null; stack.push(call(cls, items)); break; } // OBJ
      case 0x62: { // BUILD
        const state = pop();
        const target = top();
        if (isReconstructed(target)) target.build(state);
        else if (target instanceof PyDict) target.attributes = state;
        else if (target instanceof Inert) target.state = state;
        else fail('BUILD on a value that takes no state');
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!options.persistentLoad) fail('a persistent id (BINPERSID) outside a torch checkpoint');
        stack.push(options.persistentLoad!(pid));
        break;
      }
      case 0x50: { // PERSID
        const pid = line();
        if (!options.persistentLoad) fail('a persistent id (PERSID) outside a torch checkpoint');
        stack.push(options.persistentLoad!(pid));
        break;
      }
      case 0x82: case 0x83: case 0x84:
        fail('extension registry codes (EXT1/2/4) are not supported');
        break;
      default:
        fail(`unknown opcode 0x${opcode.toString(16).padStart(2, '0')}`);
    }
  }
}

/** Two's-complement little-endian integer (LONG1/LONG4); a number when it is safe, else a bigint. */
function littleEndianSigned(digits: Uint8Array): number | bigint {
  if (digits.length === 0) return 0;
  let value = 0n;
  for (let i = digits.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(digits[i]);
  if (digits[digits.length - 1] & 0x80) value -= 1n << BigInt(8 * digits.length);
  return narrow(value);
}

function parseInteger(text: string, fail: (problem: string) => never): number | bigint {
  if (!/^[-+]?\d+$/.test(text.trim())) fail(`not an integer: ${JSON.stringify(text)}`);
  return narrow(BigInt(text.trim()));
}

function narrow(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Protocol-0 STRING: a Python repr in quotes, with backslash escapes. */
function unquote(text: string, fail: (problem: string) => never): string {
  const quote = text[0];
  if ((quote !== "'" && quote !== '"') || text.at(-1) !== quote || text.length < 2) fail(`STRING is not quoted: ${text}`);
  return text.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, escape: string) => {
    if (escape[0] === 'x') return String.fromCharCode(Number.parseInt(escape.slice(1), 16));
    if (/^[0-7]/.test(escape)) return String.fromCharCode(Number.parseInt(escape, 8));
    return ({ n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"' } as Record<string, string>)[escape] ?? `\\${escape}`;
  });
}

/** Protocol-0 UNICODE: raw-unicode-escape (only \uXXXX and \UXXXXXXXX are escapes). */
function decodeRawUnicodeEscape(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, four?: string, eight?: string) =>
    String.fromCodePoint(Number.parseInt((four ?? eight)!, 16)));
}
