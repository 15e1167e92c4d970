// Loading the committed reference values (fixtures/*.json, made by fixtures/gen_*.py).
import { readFileSync } from "node:fs";

export interface FixtureTensor { shape: number[]; data: number[] }
export interface FixtureCase {
  name: string; cell: string; dtype: "float32" | "float64"; batch: number;
  config: Record<string, unknown>;
  tensors: Record<string, FixtureTensor>;
}

export function loadFixture(file: string): FixtureCase[] {
  const url = new URL(`../../fixtures/${file}`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")).cases;
}
