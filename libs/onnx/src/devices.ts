/**
 * The devices a session can be asked for. Its own file, free of onnxruntime-node, so that
 * command definitions (`mgta --help`) can list them without loading ORT's native library.
 */
export type Device = 'auto' | 'webgpu' | 'cuda' | 'cpu';
export const DEVICES: Device[] = ['auto', 'webgpu', 'cuda', 'cpu'];
