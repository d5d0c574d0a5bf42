import { describe, expect, it } from 'vitest';
import { bytesViaHalfSample, sampleFromFloatPixels } from '../../../src/core/animation/cadence-images.js';
import { sampleToPixels } from '../../../src/core/image/frame-noise.js';
import { rawImageFrom } from '../../../src/core/image/raw-image.js';

/** The two-pass chain the fused conversion replaces. */
const chain = (values: Float32Array) => sampleToPixels(sampleFromFloatPixels(imageOf(values))).data;
const imageOf = (values: Float32Array) => rawImageFrom('f32', values.length, 1, 1, values);

describe('bytesViaHalfSample', () => {
  // Every float32 from −1 to 288 and its negative (2.3 billion values) was checked once offline; this keeps the
  // values where a byte changes: the 4096 float32s on either side of every whole number and half.
  it('gives the bytes of sampleToPixels(sampleFromFloatPixels(x)) around every byte boundary', () => {
    const values: number[] = [];
    const bits = new Uint32Array(1);
    const float = new Float32Array(bits.buffer);
    for (let centre = 0; centre <= 256; centre += 0.5) {
      float[0] = centre;
      const middle = bits[0] as number;
      for (let d = -4096; d <= 4096; d++) {
        bits[0] = Math.max(0, middle + d);
        values.push(float[0] as number);
      }
    }
    const input = Float32Array.from(values);
    const fused = bytesViaHalfSample(imageOf(input)).data;
    const expected = chain(input);
    const first = fused.findIndex((byte, i) => byte !== expected[i]);
    expect(first === -1 ? null : { value: input[first], got: fused[first], expected: expected[first] }).toBeNull();
  });

  it('maps negatives, NaN, infinities and overflow like the chain', () => {
    const input = Float32Array.of(-0, -1e-30, -3, -Infinity, NaN, Infinity, 255, 254.99, 1e6, 3e38, 1e-40);
    expect([...bytesViaHalfSample(imageOf(input)).data]).toEqual([...chain(input)]);
  });

  it('keeps the image shape (H×W×C, 8-bit)', () => {
    const image = rawImageFrom(
      'f32',
      2,
      3,
      3,
      Float32Array.from({ length: 18 }, (_, i) => i * 14.2),
    );
    const bytes = bytesViaHalfSample(image);
    expect([bytes.width, bytes.height, bytes.channels, bytes.format]).toEqual([2, 3, 3, 'u8']);
    expect(bytes.data).toEqual(sampleToPixels(sampleFromFloatPixels(image)).data);
  });
});
