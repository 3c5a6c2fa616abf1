// A parse task that misbehaves on purpose, for the pool's tests: it spins forever on a file
// whose name says `spins`, ends its thread on one that says `exits`, and parses the rest.
import { register } from 'tsx/esm/api';

register();
const parse = (await import('../../src/facts/parse-task.ts')).default;

export default async function faultyParseTask(task) {
  if (task.file.includes('spins')) for (;;);
  if (task.file.includes('exits')) process.exit(3);
  return parse(task);
}
