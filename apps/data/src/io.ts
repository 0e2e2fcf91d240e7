export interface DataIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIo: DataIo = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };
