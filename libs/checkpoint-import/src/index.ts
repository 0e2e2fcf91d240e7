export {
  importCheckpointBytes, importCheckpointFile, groupDropped,
  type DroppedGroup, type ImportedCheckpoint, type ImportOptions,
} from './import-checkpoint.ts';
export { isCheckpointFile, readCheckpointBytes, type CheckpointFormat, type ReadCheckpoint } from './formats/read-checkpoint.ts';
export { unpickle, PickleError, type Unpickled } from './pickle/unpickler.ts';
export { GlobalRef, Inert, PyDict, type PyValue } from './pickle/values.ts';
export { flattenCheckpoint, RefusedGlobalError } from './flatten.ts';
export { findTrunk, KNOWN_LAYOUTS, TrunkError, type FoundTrunk } from './find-trunk.ts';
export { DETECTRON_SCHEME, TORCHVISION_SCHEME, type NamingScheme } from './naming-schemes.ts';
export { halfToFloat, toFloat32, type DType, type TensorData } from './tensor-data.ts';
export { IMPORTED_CACHE_KIND, isForeignCheckpoint, resolveModelPath } from './resolve-model.ts';
export { IMPORTER_VERSION, describeImport, writeImportedCheckpoint } from './write-checkpoint.ts';
