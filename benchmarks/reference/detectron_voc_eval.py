#!/usr/bin/env python3
"""A reference OUTSIDE the project: Detectron's voc_eval, to time `mgta eval-det` against.

Only benchmarks/src/voc-eval-process.bench.ts runs it, when python3 with numpy is present;
nothing in the project or its tests depends on Python.

    python3 benchmarks/reference/detectron_voc_eval.py --devkit <VOCdevkit> --results <dir> \
        [--year 2007] [--split test] [--classes a,b] [--json out.json]

The code follows detectron/datasets/voc_eval.py (facebookresearch/Detectron, itself from
py-faster-rcnn; Bharath Hariharan's port of the devkit): parse_rec, voc_ap and voc_eval,
as a user runs them for a whole test set: the annotations are parsed once per run, on every
run (no annots.pkl cache), then each class's comp4 file is read, ranked and matched. Two
changes, both to evaluate the same thing as `mgta eval-det`:
  - detections are ranked with a stable sort (np.argsort kind='mergesort'), so that equal
    scores keep file order, as the devkit's MATLAB sort and mgta do (Detectron's default
    quicksort leaves their order to numpy);
  - coordinates are read with float() rather than int(), so that fractional boxes read too
    (the same numbers for integer boxes).
It prints both APs per class and writes {"classes": {cls: {"ap", "ap07", "npos"}}, "map",
"map07"} with --json, so that the benchmark can check that both agree.
"""
import argparse
import json
import os
import xml.etree.ElementTree as ET

import numpy as np

VOC_CLASSES = [
    'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
    'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa',
    'train', 'tvmonitor',
]


def parse_rec(filename):
    """Parse a PASCAL VOC xml file (voc_eval.py)."""
    tree = ET.parse(filename)
    objects = []
    for obj in tree.findall('object'):
        obj_struct = {}
        obj_struct['name'] = obj.find('name').text
        obj_struct['pose'] = obj.find('pose').text
        obj_struct['truncated'] = int(obj.find('truncated').text)
        obj_struct['difficult'] = int(obj.find('difficult').text)
        bbox = obj.find('bndbox')
        obj_struct['bbox'] = [float(bbox.find('xmin').text),
                              float(bbox.find('ymin').text),
                              float(bbox.find('xmax').text),
                              float(bbox.find('ymax').text)]
        objects.append(obj_struct)
    return objects


def voc_ap(rec, prec, use_07_metric=False):
    """AP from recall and precision (voc_eval.py): VOC07 11-point, or the area under the envelope."""
    if use_07_metric:
        ap = 0.
        for t in np.arange(0., 1.1, 0.1):
            if np.sum(rec >= t) == 0:
                p = 0
            else:
                p = np.max(prec[rec >= t])
            ap = ap + p / 11.
    else:
        mrec = np.concatenate(([0.], rec, [1.]))
        mpre = np.concatenate(([0.], prec, [0.]))
        for i in range(mpre.size - 1, 0, -1):
            mpre[i - 1] = np.maximum(mpre[i - 1], mpre[i])
        i = np.where(mrec[1:] != mrec[:-1])[0]
        ap = np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1])
    return ap


def voc_eval(detfile, recs, imagenames, classname, ovthresh=0.5):
    """voc_eval.py's voc_eval after its annotation loading; returns (ap, ap07, npos)."""
    class_recs = {}
    npos = 0
    for imagename in imagenames:
        R = [obj for obj in recs[imagename] if obj['name'] == classname]
        bbox = np.array([x['bbox'] for x in R])
        difficult = np.array([x['difficult'] for x in R]).astype(bool)
        det = [False] * len(R)
        npos = npos + sum(~difficult)
        class_recs[imagename] = {'bbox': bbox, 'difficult': difficult, 'det': det}

    with open(detfile, 'r') as f:
        lines = f.readlines()
    splitlines = [x.strip().split(' ') for x in lines]
    image_ids = [x[0] for x in splitlines]
    confidence = np.array([float(x[1]) for x in splitlines])
    BB = np.array([[float(z) for z in x[2:]] for x in splitlines])

    sorted_ind = np.argsort(-confidence, kind='mergesort')
    BB = BB[sorted_ind, :]
    image_ids = [image_ids[x] for x in sorted_ind]

    nd = len(image_ids)
    tp = np.zeros(nd)
    fp = np.zeros(nd)
    for d in range(nd):
        R = class_recs[image_ids[d]]
        bb = BB[d, :].astype(float)
        ovmax = -np.inf
        BBGT = R['bbox'].astype(float)
        if BBGT.size > 0:
            ixmin = np.maximum(BBGT[:, 0], bb[0])
            iymin = np.maximum(BBGT[:, 1], bb[1])
            ixmax = np.minimum(BBGT[:, 2], bb[2])
            iymax = np.minimum(BBGT[:, 3], bb[3])
            iw = np.maximum(ixmax - ixmin + 1., 0.)
            ih = np.maximum(iymax - iymin + 1., 0.)
            inters = iw * ih
            uni = ((bb[2] - bb[0] + 1.) * (bb[3] - bb[1] + 1.) +
                   (BBGT[:, 2] - BBGT[:, 0] + 1.) *
                   (BBGT[:, 3] - BBGT[:, 1] + 1.) - inters)
            overlaps = inters / uni
            ovmax = np.max(overlaps)
            jmax = np.argmax(overlaps)
        if ovmax > ovthresh:
            if not R['difficult'][jmax]:
                if not R['det'][jmax]:
                    tp[d] = 1.
                    R['det'][jmax] = 1
                else:
                    fp[d] = 1.
        else:
            fp[d] = 1.

    fp = np.cumsum(fp)
    tp = np.cumsum(tp)
    rec = tp / float(npos)
    prec = tp / np.maximum(tp + fp, np.finfo(np.float64).eps)
    return voc_ap(rec, prec, False), voc_ap(rec, prec, True), int(npos)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--devkit', required=True)
    parser.add_argument('--results', required=True)
    parser.add_argument('--year', default='2007')
    parser.add_argument('--split', default='test')
    parser.add_argument('--classes')
    parser.add_argument('--json')
    args = parser.parse_args()

    year_dir = os.path.join(args.devkit, 'VOC' + args.year)
    with open(os.path.join(year_dir, 'ImageSets', 'Main', args.split + '.txt')) as f:
        imagenames = [x.strip() for x in f.readlines()]
    recs = {}
    for imagename in imagenames:
        recs[imagename] = parse_rec(os.path.join(year_dir, 'Annotations', imagename + '.xml'))

    classes = args.classes.split(',') if args.classes else VOC_CLASSES
    result = {'classes': {}}
    for cls in classes:
        detfile = os.path.join(args.results, 'comp4_det_%s_%s.txt' % (args.split, cls))
        ap, ap07, npos = voc_eval(detfile, recs, imagenames, cls)
        result['classes'][cls] = {'ap': float(ap), 'ap07': float(ap07), 'npos': npos}
        print('%-12s AP %6.2f  AP07 %6.2f' % (cls, 100 * ap, 100 * ap07))
    result['map'] = float(np.mean([c['ap'] for c in result['classes'].values()]))
    result['map07'] = float(np.mean([c['ap07'] for c in result['classes'].values()]))
    print('%-12s AP %6.2f  AP07 %6.2f' % ('mean', 100 * result['map'], 100 * result['map07']))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(result, f)


if __name__ == '__main__':
    main()
