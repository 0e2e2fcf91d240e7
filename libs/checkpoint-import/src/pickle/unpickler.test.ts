import { describe, expect, it } from 'vitest';
import { unpickle, PickleError } from './unpickler.ts';
import { Inert, PyDict } from './values.ts';

const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));

/**
 * `pickle.dumps(v, protocol=p)` by CPython 3.12 for
 * v = OrderedDict([('a', 1), ('b', [1.5, 'x', b'\x00\xff', None, True, -2**40, 2**70, (1, 2)]), ('c', {'n': 'é'})]).
 * Protocol 0 and 2 carry the bytes through `_codecs.encode(..., 'latin1')`; 4 and 5 use framing,
 * MEMOIZE and STACK_GLOBAL.
 */
const SAME_VALUE: Record<number, string> = {
  0: '63636f6c6c656374696f6e730a4f726465726564446963740a70300a28745270310a56610a70320a49310a7356620a70330a286c70340a46312e350a6156780a70350a61635f636f646563730a656e636f64650a70360a28565c7530303030ff0a70370a566c6174696e310a70380a7470390a527031300a614e614930310a614c2d313039393531313632373737364c0a614c313138303539313632303731373431313330333432344c0a612849310a49320a747031310a617356630a7031320a28647031330a566e0a7031340a56e90a7031350a73732e',
  2: '800263636f6c6c656374696f6e730a4f726465726564446963740a7100295271012858010000006171024b0158010000006271035d710428473ff80000000000005801000000787105635f636f646563730a656e636f64650a7106580300000000c3bf710758060000006c6174696e31710886710952710a4e888a060000000000ff8a090000000000000000404b014b0286710b65580100000063710c7d710d58010000006e710e5802000000c3a9710f73752e',
  4: '8004956f000000000000008c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c0161944b018c0162945d9428473ff80000000000008c017894430200ff944e888a060000000000ff8a090000000000000000404b014b028694658c0163947d948c016e948c02c3a99473752e',
  5: '8005956f000000000000008c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c0161944b018c0162945d9428473ff80000000000008c017894430200ff944e888a060000000000ff8a090000000000000000404b014b028694658c0163947d948c016e948c02c3a99473752e',
};

describe('unpickle', () => {
  for (const [protocol, bytes] of Object.entries(SAME_VALUE)) {
    it(`reads CPython's protocol-${protocol} pickle of a known value`, () => {
      const { value, globals, end } = unpickle(hex(bytes), { source: 'case.pkl' });
      expect(end).toBe(bytes.length / 2);
      expect(value).toBeInstanceOf(PyDict);
      const dict = value as PyDict;
      expect([...dict.entries.keys()]).toEqual(['a', 'b', 'c']);
      expect(dict.get('a')).toBe(1);
      const list = dict.get('b') as unknown[];
      expect(list.slice(0, 2)).toEqual([1.5, 'x']);
      expect([...(list[2] as Uint8Array)]).toEqual([0, 255]);
      expect(list.slice(3, 6)).toEqual([null, true, -(2 ** 40)]);
      expect(list[6]).toBe(2n ** 70n);
      expect(list[7]).toEqual([1, 2]);
      expect((dict.get('c') as PyDict).get('n')).toBe('é');
      expect(globals.has('collections.OrderedDict')).toBe(true);
    });
  }

  it('never calls a global outside the allowlist: os.system becomes an inert placeholder', () => {
    // Protocol 0: cos\nsystem\n(S'touch /tmp/pwned'\ntR.  — Python would run the command.
    const evil = new TextEncoder().encode("cos\nsystem\n(S'touch /tmp/pwned'\ntR.");
    const { value, globals } = unpickle(evil, { source: 'evil.pkl' });
    expect(value).toBeInstanceOf(Inert);
    expect((value as Inert).global).toBe('os.system');
    expect((value as Inert).args).toEqual(['touch /tmp/pwned']);
    expect([...globals]).toEqual(['os.system']);
  });

  it('names the file and the byte when a pickle is truncated or has an unknown opcode', () => {
    const truncated = hex(SAME_VALUE[2]).subarray(0, 40);
    expect(() => unpickle(truncated, { source: 'cut.pkl' })).toThrow(/^cut\.pkl: the pickle ends early \(truncated file\?\) \(pickle byte \d+\)$/);
    expect(() => unpickle(hex('8002ff'), { source: 'odd.pkl' })).toThrow(PickleError);
    expect(() => unpickle(hex('8002ff'), { source: 'odd.pkl' })).toThrow('odd.pkl: unknown opcode 0xff (pickle byte 3)');
  });

  it('refuses persistent ids outside a torch archive', () => {
    // PROTO 2, BININT1 0, BINPERSID, STOP
    expect(() => unpickle(hex('80024b00512e'), { source: 'p.pkl' })).toThrow(/persistent id \(BINPERSID\) outside a torch checkpoint/);
  });
});
