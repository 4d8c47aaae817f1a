/**
 * How each compared stream's line looks: Okabe–Ito colours (distinct under the common
 * colour-vision deficiencies; yellow left out, too faint on white) and, past the seventh
 * stream, a dash pattern too; every legend entry and table row names the stream besides.
 */
const colours = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#999999'] as const;
const dashes: number[][] = [[], [8, 4], [2, 3]];

export interface StreamStyle {
  colour: string;
  dash: number[];
}

/** The style of the `index`-th stream in the comparison's order. */
export function streamStyle(index: number): StreamStyle {
  return { colour: colours[index % colours.length]!, dash: dashes[Math.floor(index / colours.length) % dashes.length]! };
}
