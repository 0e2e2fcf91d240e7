import type { DType } from '../tensor-data.ts';

/**
 * torch's storage classes as persistent ids name them (torch/storage.py `_pickle_storage_type`,
 * torch/serialization.py `_save` / `_legacy_save`): the class only says the element type.
 */
export const TORCH_STORAGE_DTYPES: Readonly<Record<string, DType>> = {
  'torch.FloatStorage': 'float32',
  'torch.HalfStorage': 'float16',
  'torch.BFloat16Storage': 'bfloat16',
  'torch.DoubleStorage': 'float64',
  'torch.LongStorage': 'int64',
  'torch.IntStorage': 'int32',
  'torch.ShortStorage': 'int16',
  'torch.CharStorage': 'int8',
  'torch.ByteStorage': 'uint8',
  'torch.BoolStorage': 'bool',
  'torch.UntypedStorage': 'uint8',
};
