// The quiz's choices: seeded (isa's mulberry32, as the random-program generator uses),
// one stream per topic so a topic asks the same whether or not others are asked.
import { seededRandom } from "@vmlab/isa";

export type Random = () => number;

export function topicRandom(seed: number, topic: string): Random {
  let h = seed >>> 0;
  for (let i = 0; i < topic.length; i++) h = Math.imul(h ^ topic.charCodeAt(i), 0x9e3779b1) >>> 0;
  return seededRandom(h);
}

export const pick = <T>(rng: Random, choices: readonly T[]): T => choices[Math.floor(rng() * choices.length)]!;
