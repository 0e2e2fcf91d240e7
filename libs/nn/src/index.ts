export { initBackend, backendInfo, forcedBackend, BACKEND_NAMES, type BackendName, type BackendInfo, type InitBackendOptions } from './backend.ts';
export { registerTrainingKernels, stockWasmKernel } from './kernels/register.ts';
export { conv2dBackpropFilter } from './kernels/conv2d-backprop-filter.ts';
export { conv2dBackpropInput } from './kernels/conv2d-backprop-input.ts';
export { maxPoolGrad } from './kernels/max-pool-grad.ts';
