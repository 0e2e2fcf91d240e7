export * from './types.ts';
export { resolveYearDir } from './layout.ts';
export { resolveClasses } from './classes.ts';
export { readImageSet, readClassLabels } from './image-sets.ts';
export { parseAnnotationXml, readAnnotation } from './annotation-reader.ts';
export { annotationToXml } from './annotation-writer.ts';
export { writeVocYear, classLabelFor, type VocYearContent } from './devkit-writer.ts';
export { loadVocSplit, type VocSplit } from './load-split.ts';
export { validateVocYear } from './validate.ts';
