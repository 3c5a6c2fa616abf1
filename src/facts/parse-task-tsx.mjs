// The parse task from TypeScript sources, for runs under tsx (tests): registers tsx in the thread.
import { register } from 'tsx/esm/api';

register();
const task = await import('./parse-task.ts');
export default task.default;
