import type { VocAnnotation } from './types.ts';

/** Escapes the characters that XML text may not hold literally. */
function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function element(indent: number, name: string, value: string | number): string {
  return `${'\t'.repeat(indent)}<${name}>${escapeXml(String(value))}</${name}>`;
}

/**
 * One annotation as a devkit-style XML document (tab-indented, in the element order of
 * VOC2007's Annotations/*.xml). `folder` and `<source><database>` are written only when given:
 * no reader of the devkit uses them.
 */
export function annotationToXml(
  annotation: VocAnnotation,
  options: { folder?: string; database?: string } = {},
): string {
  const lines = ['<annotation>'];
  if (options.folder !== undefined) lines.push(element(1, 'folder', options.folder));
  lines.push(element(1, 'filename', annotation.filename));
  if (options.database !== undefined) {
    lines.push('\t<source>', element(2, 'database', options.database), '\t</source>');
  }
  lines.push(
    '\t<size>',
    element(2, 'width', annotation.size.width),
    element(2, 'height', annotation.size.height),
    element(2, 'depth', annotation.size.depth),
    '\t</size>',
  );
  if (annotation.segmented !== undefined) lines.push(element(1, 'segmented', annotation.segmented ? 1 : 0));
  for (const object of annotation.objects) {
    lines.push(
      '\t<object>',
      element(2, 'name', object.name),
      element(2, 'pose', object.pose),
      element(2, 'truncated', object.truncated ? 1 : 0),
      element(2, 'difficult', object.difficult ? 1 : 0),
      '\t\t<bndbox>',
      element(3, 'xmin', object.bbox.xmin),
      element(3, 'ymin', object.bbox.ymin),
      element(3, 'xmax', object.bbox.xmax),
      element(3, 'ymax', object.bbox.ymax),
      '\t\t</bndbox>',
      '\t</object>',
    );
  }
  lines.push('</annotation>');
  return lines.join('\n') + '\n';
}
