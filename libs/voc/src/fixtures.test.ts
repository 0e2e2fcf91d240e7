import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVocSplit } from './load-split.ts';
import { readClassLabels } from './image-sets.ts';
import { validateVocYear } from './validate.ts';

// The shared golden cases (read-only). They have no JPEGImages, so image checks are skipped.
const FIXTURES = '/work/shared/fixtures/voc-eval';
const cases = ['case101', 'case102'];

/** Object and difficult-object counts straight from the XML text, independent of our parser. */
function regexCounts(yearDir: string): { objects: number; difficult: number } {
  let objects = 0;
  let difficult = 0;
  for (const file of readdirSync(join(yearDir, 'Annotations'))) {
    const xml = readFileSync(join(yearDir, 'Annotations', file), 'utf8');
    objects += xml.match(/<object>/g)?.length ?? 0;
    difficult += xml.match(/<difficult>\s*1\s*<\/difficult>/g)?.length ?? 0;
  }
  return { objects, difficult };
}

describe.each(cases)('fixture %s', (name) => {
  const devkit = join(FIXTURES, name, 'VOCdevkit');

  it('loads the test split with every object, difficult ones flagged', () => {
    const split = loadVocSplit({ devkit, year: '2007', split: 'test' });
    expect(split.ids).toHaveLength(40);
    const objects = [...split.annotations.values()].flatMap((a) => a.objects);
    const counts = regexCounts(split.yearDir);
    expect(objects.length).toBe(counts.objects);
    expect(objects.filter((o) => o.difficult).length).toBe(counts.difficult);
    expect(counts.difficult).toBeGreaterThan(0);
  });

  it('passes validation: label files agree with the annotations', () => {
    expect(validateVocYear({ devkit, year: '2007', checkImages: false })).toEqual([]);
  });
});

describe('fixture values read by eye from the raw XML', () => {
  it('case101 050878: 306x232, 4 objects, the 3rd a difficult motorbike at (4,119)-(64,192)', () => {
    const split = loadVocSplit({ devkit: join(FIXTURES, 'case101', 'VOCdevkit'), year: '2007', split: 'test' });
    const annotation = split.annotations.get('050878')!;
    expect(annotation.size).toEqual({ width: 306, height: 232, depth: 3 });
    expect(annotation.segmented).toBe(false);
    expect(annotation.objects.map((o) => o.name)).toEqual(['person', 'chair', 'motorbike', 'dog']);
    expect(annotation.objects[2]).toEqual({
      name: 'motorbike',
      pose: 'Unspecified',
      truncated: false,
      difficult: true,
      bbox: { xmin: 4, ymin: 119, xmax: 64, ymax: 192 },
    });
    // motorbike_test.txt says 0 (only difficult) for this image, sheep 0 for 073774.
    const motorbike = readClassLabels(split.yearDir, 'motorbike', 'test');
    expect(motorbike.find((e) => e.id === '050878')?.label).toBe(0);
    expect(split.annotations.get('073774')!.objects[2]).toMatchObject({ name: 'sheep', difficult: true, bbox: { xmin: 350, ymin: 4, xmax: 365, ymax: 25 } });
  });

  it('case102 134270: 277x202, its 3rd object (of chair, car, person, horse) a difficult person at (107,165)-(170,186)', () => {
    const split = loadVocSplit({ devkit: join(FIXTURES, 'case102', 'VOCdevkit', 'VOC2007'), year: '2007', split: 'test' });
    const annotation = split.annotations.get('134270')!;
    expect(annotation.size).toEqual({ width: 277, height: 202, depth: 3 });
    expect(annotation.objects.map((o) => o.name)).toEqual(['chair', 'car', 'person', 'horse']);
    expect(annotation.objects[2]).toMatchObject({ name: 'person', difficult: true, bbox: { xmin: 107, ymin: 165, xmax: 170, ymax: 186 } });
  });
});
