// Tree → facts. Pure apart from parsing: the output is plain data for one file.
import type { Node } from 'web-tree-sitter';
import { guardDefinitions } from './guards.js';
import { normalizeKernelC, TYPE_ARG_MACROS } from '../parse/normalize.js';
import { kernelIdioms } from '../parse/grammar.js';
import { parseC } from '../parse/parser.js';
import { conditionsByLine } from '../parse/conditionals.js';
import { ENUMERATOR } from '../program/conditions.js';
import { isConstantExpr } from './outline.js';
import type {
  Expr, FieldFunctionBinding, FileFacts, FunctionFacts, GlobalFacts, Param, Pos, Stmt, SwitchCase, TypeRef,
} from './types.js';

const UNKNOWN_TYPE: TypeRef = { name: '', pointer: 0 };
const MAX_EVENT_TEXT = 160;

interface Ctx {
  file: string;
  /** Added to tree rows to get 1-based source lines (macro bodies are parsed apart). */
  lineOffset: number;
  loopMacros: Map<number, string>;
  errors: number;
  /** `#if` conditions around a source line (1-based). */
  conditionsAt: (line: number) => string[];
}

export async function extractFileFacts(path: string, source: string): Promise<FileFacts> {
  const normalized = normalizeKernelC(source);
  const tree = await parseC(normalized.text);
  const facts: FileFacts = {
    path, functions: [], structs: [], typedefs: {}, globals: {}, staticGlobals: [], bindings: [], objectMacros: [], guards: [],
    errorNodes: 0, rewrites: normalized.rewrites,
  };
  const byLine = conditionsByLine(source);
  const ctx: Ctx = {
    file: path, lineOffset: 1, errors: 0, conditionsAt: (line) => byLine[line] ?? [],
    loopMacros: new Map(normalized.loopMacros.map((m) => [m.offset, m.name])),
  };
  const macros: MacroDef[] = [];
  try {
    walkTopLevel(tree.rootNode, ctx, facts, macros);
  } finally {
    tree.delete();
  }
  facts.errorNodes += ctx.errors;
  facts.functions.push(...(await extractMacros(path, macros, facts)));
  for (const fn of facts.functions) fn.conditions = ctx.conditionsAt(fn.line);
  markAddressTaken(path, source, facts.functions);
  facts.guards = guardDefinitions(source, ctx.conditionsAt);
  return facts;
}

/**
 * Marks the functions of a `.c` file whose names occur other than before a `(`: an ops
 * initialiser, a callback argument, `EXPORT_SYMBOL(name)`, a macro's body. Only the rest may be
 * taken to have no callers but the program's calls. Comments and literals are no mentions: every
 * kernel-doc comment names its function (`* frob_update - …`).
 */
function markAddressTaken(path: string, source: string, functions: FunctionFacts[]): void {
  if (!path.endsWith('.c')) return;
  const defined = new Set(functions.filter((f) => !f.isMacro).map((f) => f.name));
  if (defined.size === 0) return;
  const mentioned = new Set<string>();
  const code = withoutCommentsAndLiterals(source);
  const word = /[A-Za-z_]\w*/g;
  for (let m = word.exec(code); m; m = word.exec(code)) {
    if (!defined.has(m[0])) continue;
    let next = word.lastIndex;
    while (next < code.length && /\s/.test(code[next] as string)) next++;
    if (code[next] !== '(') mentioned.add(m[0]);
  }
  for (const fn of functions) if (!fn.isMacro && mentioned.has(fn.name)) fn.addressTaken = true;
}

/** C text with its comments and its string and character literals blanked (same length). */
function withoutCommentsAndLiterals(source: string): string {
  return source.replace(/\/\*[\s\S]*?(?:\*\/|$)|\/\/[^\n]*|"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

// ---------------------------------------------------------------- top level

/** Definitions anywhere at file level, inside conditional arms too (their conditions come from `conditionsByLine`). */
function walkTopLevel(node: Node, ctx: Ctx, facts: FileFacts, macros: MacroDef[]): void {
  for (const child of node.namedChildren) {
    if (!child) continue;
    switch (child.type) {
      case 'function_definition': {
        const fn = convertFunction(child, ctx);
        if (fn) facts.functions.push(fn);
        break;
      }
      case 'declaration':
        recordDeclaration(child, ctx, facts);
        recordEnumerators(child, ctx, facts);
        break;
      case 'type_definition':
        recordTypedef(child, facts);
        recordEnumerators(child, ctx, facts);
        break;
      case 'struct_specifier':
      case 'union_specifier':
        recordStruct(child, facts);
        break;
      case 'enum_specifier':
        recordEnumerators(child, ctx, facts);
        break;
      case 'expression_statement':
        collectStructs(child, facts);
        recordLockDefinition(child, facts);
        break;
      case 'preproc_function_def':
        macros.push(...macroDef(child, ctx));
        break;
      case 'preproc_def':
        recordObjectMacro(child, ctx, facts);
        break;
      case 'preproc_ifdef':
      case 'preproc_if':
      case 'preproc_elif':
      case 'preproc_elifdef':
      case 'preproc_else':
        for (const arm of conditionalArms(child)) walkTopLevel({ namedChildren: arm.children } as unknown as Node, ctx, facts, macros);
        break;
      case 'linkage_specification':
      case 'declaration_list':
        walkTopLevel(child, ctx, facts, macros);
        break;
      case 'ERROR':
        ctx.errors++;
        walkTopLevel(child, ctx, facts, macros);
        break;
      default:
        if (child.isMissing) ctx.errors++;
    }
  }
}

/** Condition text of an `#if`-family node's own arm. */
export function conditionOf(node: Node): string {
  if (node.type === 'preproc_ifdef' || node.type === 'preproc_elifdef') {
    const name = node.childForFieldName('name')?.text ?? '?';
    const negated = (node.child(0)?.type ?? '').includes('ifndef') || (node.child(0)?.text ?? '').includes('ndef');
    return negated ? `!defined(${name})` : `defined(${name})`;
  }
  return collapse(node.childForFieldName('condition')?.text ?? '1');
}

/** Body children of a conditional arm: everything but its condition and its alternative. */
function armChildren(node: Node): Node[] {
  const skip = new Set<number>();
  for (const f of ['name', 'condition', 'alternative']) {
    const n = node.childForFieldName(f);
    if (n) skip.add(n.id);
  }
  return node.namedChildren.filter((c): c is Node => !!c && !skip.has(c.id));
}

interface Arm { condition: string; children: Node[]; isElse: boolean }

/** Splits `#if A … #elif B … #else …` into arms with exclusive conditions. */
function conditionalArms(node: Node): Arm[] {
  const arms: Arm[] = [];
  const previous: string[] = [];
  let current: Node | null = node;
  while (current) {
    const isElse = current.type === 'preproc_else';
    const own = isElse ? '' : conditionOf(current);
    const negations = previous.map((p) => `!(${p})`);
    const condition = isElse ? negations.join(' && ') || '1' : [...negations, `(${own})`].join(' && ');
    arms.push({ condition: previous.length === 0 && !isElse ? own : condition, children: armChildren(current), isElse });
    if (!isElse) previous.push(own);
    current = current.childForFieldName('alternative');
  }
  return arms;
}

function recordDeclaration(node: Node, ctx: Ctx, facts: FileFacts): void {
  const type = declaredType(node);
  const isStatic = isStaticDeclaration(node);
  collectStructs(node, facts);
  for (const d of node.childrenForFieldName('declarator')) {
    if (!d) continue;
    const { name, pointer, isFunction } = declaratorInfo(d);
    if (!name || isFunction) continue;
    const value = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
    const into = d.type === 'init_declarator' ? initialised(type, d) : null;
    const fields = value?.type === 'initializer_list' && into && !into.array ? designatedFields(value, ctx) : null;
    facts.globals[name] = { name: type.name, pointer: type.pointer + pointer, ...fields };
    if (isStatic) facts.staticGlobals.push(name);
    if (value) collectBindings(value, ctx, facts.bindings, into);
    if (value?.type === 'identifier' && isRunDefinition(node)) (facts.declaredRuns ??= []).push([name, value.text]);
  }
}

/**
 * What a struct's designated initialiser gives its fields: constants, and the names of fields set
 * to anything else; null where an item has no one field designator (positional, `[i] =`, an
 * `#ifdef` inside the list): then which fields it leaves zero is not known.
 */
function designatedFields(list: Node, ctx: Ctx): Omit<GlobalFacts, 'name' | 'pointer'> | null {
  const constants: Record<string, Expr> = {};
  const others: string[] = [];
  for (const item of list.namedChildren) {
    if (!item || item.type === 'comment') continue;
    const designators = item.type === 'initializer_pair' ? item.childrenForFieldName('designator') : [];
    const first = designators[0];
    const field = first?.type === 'field_designator' ? first.namedChild(0)?.text : undefined;
    const value = item.childForFieldName('value');
    if (!field || !value) return null;
    const e = designators.length === 1 ? convertExpr(value, ctx) : null;
    if (e && isConstantExpr(e)) constants[field] = e;
    else others.push(field);
  }
  return others.length ? { constants, others: others.join(' ') } : { constants };
}

/** `static DECLARE_WORK(frob_work, frob_fn);`, as normalised: a work item bound to its function. */
function isRunDefinition(node: Node): boolean {
  return kernelIdioms().runDefiners.has(node.childForFieldName('type')?.text ?? '');
}

/** `DEFINE_SPINLOCK(x);` without `static` in front reads as a call: a global lock all the same. */
function recordLockDefinition(node: Node, facts: FileFacts): void {
  const call = node.namedChild(0);
  const definer = call?.type === 'call_expression' ? call.childForFieldName('function')?.text : undefined;
  const type = definer ? kernelIdioms().lockDefiners.get(definer) : undefined;
  const name = call?.childForFieldName('arguments')?.namedChild(0);
  if (!type || name?.type !== 'identifier' || !definer) return;
  facts.globals[name.text] = { name: type, pointer: 0 };
  if (kernelIdioms().staticLockDefiners.has(definer)) facts.staticGlobals.push(name.text);
}

/**
 * The type a declaration declares: a lock definer (`static DEFINE_MUTEX(m)`) names its lock type,
 * a work definer (`DECLARE_WORK`) its item's.
 */
function declaredType(node: Node): TypeRef {
  const type = typeOfSpecifier(node.childForFieldName('type'));
  const defined = kernelIdioms().lockDefiners.get(type.name) ?? kernelIdioms().runDefiners.get(type.name);
  return defined ? { name: defined, pointer: 0 } : type;
}

function hasStorageClass(node: Node, word: string): boolean {
  return node.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === word);
}

/** `static` storage: written so, or defined by a form that is `static` itself. */
function isStaticDeclaration(node: Node): boolean {
  return hasStorageClass(node, 'static') || kernelIdioms().staticLockDefiners.has(node.childForFieldName('type')?.text ?? '');
}

/** What an initialiser list initialises: a struct of a type, reached by fields; or an array of it. */
interface Initialised { struct: string; via: string[]; array: boolean }

/** What the initialiser of `declarator` initialises, when it is a struct (or an array of one). */
function initialised(type: TypeRef, declarator: Node): Initialised | null {
  let array = false;
  let pointers = type.pointer;
  for (let n: Node | null = declarator.childForFieldName('declarator'); n; n = n.childForFieldName('declarator')) {
    if (n.type === 'array_declarator') array = true;
    if (n.type === 'pointer_declarator') pointers++;
  }
  return pointers === 0 && type.name ? { struct: type.name, via: [], array } : null;
}

/**
 * `.field = fn` pairs anywhere inside an initialiser (nested ones included), each with the struct
 * that has the field when the designators say which (`into`); a positional sub-list of a struct
 * initialises a field no designator names, so its bindings go without one.
 */
function collectBindings(node: Node, ctx: Ctx, out: FieldFunctionBinding[], into: Initialised | null): void {
  if (node.type === 'initializer_pair') {
    const designators = node.childrenForFieldName('designator');
    const fields = designators.flatMap((d) => (d?.type === 'field_designator' ? [d.namedChild(0)?.text ?? '?'] : []));
    const last = designators[designators.length - 1];
    const value = node.childForFieldName('value');
    const field = last?.type === 'field_designator' ? last.namedChild(0)?.text : undefined;
    const fn = value ? functionNameOf(value) : undefined;
    if (field && fn) {
      const owner = into && { struct: into.struct, via: [...into.via, ...fields.slice(0, -1)] };
      out.push({ field, fn, file: ctx.file, line: node.startPosition.row + ctx.lineOffset, ...(owner ? { struct: owner.struct } : {}), ...(owner?.via.length ? { via: owner.via } : {}) });
    }
    // `[i] = { … }` in an array initialises one element; `.f = { … }` the field's struct.
    if (value && !fn) collectBindings(value, ctx, out, into && { struct: into.struct, via: [...into.via, ...fields], array: false });
    return;
  }
  if (node.type === 'initializer_list') {
    for (const c of node.namedChildren) {
      if (!c) continue;
      const element = c.type === 'initializer_pair' ? into : into?.array ? { ...into, array: false } : null;
      collectBindings(c, ctx, out, element);
    }
    return;
  }
  for (const c of node.namedChildren) if (c) collectBindings(c, ctx, out, null);
}

function functionNameOf(value: Node): string | undefined {
  let v: Node | null = value;
  while (v && (v.type === 'pointer_expression' || v.type === 'parenthesized_expression' || v.type === 'cast_expression')) {
    v = v.type === 'cast_expression' ? v.childForFieldName('value') : v.namedChild(v.namedChildCount - 1);
  }
  return v?.type === 'identifier' ? v.text : undefined;
}

function recordTypedef(node: Node, facts: FileFacts): void {
  const typeNode = node.childForFieldName('type');
  const declarators = node.childrenForFieldName('declarator').filter((d): d is Node => !!d);
  // `typedef struct { … } foo_t;`: the struct has no name of its own; the typedef's names it.
  const anonymous = anonymousStructName(typeNode, declarators, '');
  const type = anonymous ? { name: anonymous, pointer: 0 } : typeOfSpecifier(typeNode);
  if (anonymous && typeNode) recordStruct(typeNode, facts, anonymous);
  else collectStructs(node, facts);
  for (const d of declarators) {
    const { name, pointer } = declaratorInfo(d);
    if (name && type.name && name !== anonymous) facts.typedefs[name] = { name: type.name, pointer: type.pointer + pointer };
  }
}

/**
 * The name an anonymous struct or union type with a body is known by: a member's, under the
 * struct that declares it (`arcnet_local.hw` for `struct { … } hw;` in `struct arcnet_local`), or a
 * typedef's (`parent` empty). Lockdep names its locks by the member path (`&lp->hw.lock`), and an
 * ops call through it (`lp->hw.command()`) is bound only by what is stored into that member.
 */
function anonymousStructName(typeNode: Node | null, declarators: readonly Node[], parent: string): string | null {
  if (!typeNode || (typeNode.type !== 'struct_specifier' && typeNode.type !== 'union_specifier')) return null;
  if (typeNode.childForFieldName('name') || !typeNode.childForFieldName('body')) return null;
  const first = declarators.map((d) => declaratorInfo(d)).find((d) => d.name && !d.isFunction);
  if (!first?.name) return null;
  if (parent) return `${parent}.${first.name}`;
  return first.pointer === 0 ? first.name : null;
}

/** Struct and union bodies anywhere below `node` (nested definitions included). */
function collectStructs(node: Node, facts: FileFacts): void {
  if ((node.type === 'struct_specifier' || node.type === 'union_specifier') && node.childForFieldName('body')) {
    recordStruct(node, facts);
    return;
  }
  for (const c of node.namedChildren) if (c && c.type !== 'compound_statement') collectStructs(c, facts);
}

/** `anonymousName`: the name of a struct the code leaves unnamed (anonymousStructName()). */
function recordStruct(node: Node, facts: FileFacts, anonymousName?: string): void {
  const body = node.childForFieldName('body');
  const name = node.childForFieldName('name')?.text ?? anonymousName;
  if (!body) return;
  const fields: Record<string, TypeRef> = {};
  collectFields(body, fields, facts, name ?? '');
  if (name) facts.structs.push({ name, fields });
}

/** `owner`: the struct the fields belong to (names the anonymous struct types of its members), or empty. */
function collectFields(body: Node, fields: Record<string, TypeRef>, facts: FileFacts, owner: string): void {
  for (const member of body.namedChildren) {
    if (!member) continue;
    if (member.type === 'field_declaration') {
      const typeNode = member.childForFieldName('type');
      const declarators = member.childrenForFieldName('declarator').filter((d): d is Node => !!d);
      const anonymous = owner ? anonymousStructName(typeNode, declarators, owner) : null;
      const type = anonymous ? { name: anonymous, pointer: 0 } : typeOfSpecifier(typeNode);
      if (declarators.length === 0 && typeNode && (typeNode.type === 'struct_specifier' || typeNode.type === 'union_specifier')) {
        // Anonymous member struct/union: its fields belong to the parent.
        const inner = typeNode.childForFieldName('body');
        if (inner && !typeNode.childForFieldName('name')) collectFields(inner, fields, facts, owner);
      }
      if (anonymous && typeNode) recordStruct(typeNode, facts, anonymous);
      else if (typeNode) collectStructs(typeNode, facts);
      for (const d of declarators) {
        const { name, pointer } = declaratorInfo(d);
        if (name) fields[name] = { name: type.name, pointer: type.pointer + pointer };
      }
    } else if (member.type.startsWith('preproc_')) {
      // Both arms of a conditional field contribute.
      for (const arm of conditionalArms(member)) {
        collectFields({ namedChildren: arm.children } as unknown as Node, fields, facts, owner);
      }
    }
  }
}

/**
 * Enumerators are constants the analysis compares (`case BTRFS_RESERVE_FLUSH_LIMIT:`, a lockdep
 * subclass `I_MUTEX_PARENT`); they are kept with the object-like macros, valued as C counts them
 * (the explicit value, else one more than the previous) and marked, so `#if` does not see them.
 */
function recordEnumerators(node: Node, ctx: Ctx, facts: FileFacts): void {
  // `enum e { … };`, `enum e { … } x;`, `typedef enum { … } t;`: the enum is the node or its type.
  const spec = node.type === 'enum_specifier' ? node : node.childForFieldName('type');
  const list = spec?.type === 'enum_specifier' ? spec.childForFieldName('body') : null;
  if (list) {
    let base = '0';
    let offset = 0;
    for (const e of list.namedChildren) {
      if (!e || e.type === 'comment') continue;
      // `#define RTM_NEWADDR RTM_NEWADDR` between enumerators (uapi's way to let `#ifdef` see
      // them) counts nothing; past an `#if` inside the list the count is not known, and the rest
      // stay unvalued.
      if (e.type === 'preproc_call' || e.type === 'preproc_def' || e.type === 'preproc_function_def') continue;
      if (e.type !== 'enumerator') break;
      const name = e.childForFieldName('name')?.text;
      const explicit = e.childForFieldName('value')?.text;
      if (explicit !== undefined) { base = collapse(explicit); offset = 0; }
      const value = /^\d+$/.test(base) ? String(Number(base) + offset) : offset ? `(${base}) + ${offset}` : base;
      if (name && value.length <= 200) facts.objectMacros.push({ name, value: ENUMERATOR + value, conditions: ctx.conditionsAt(e.startPosition.row + ctx.lineOffset) });
      offset++;
    }
  }
}

function recordObjectMacro(node: Node, ctx: Ctx, facts: FileFacts): void {
  const name = node.childForFieldName('name')?.text;
  const value = node.childForFieldName('value')?.text.replace(/\/\*.*?\*\//g, ' ').trim() ?? '';
  if (name && value.length <= 200) {
    facts.objectMacros.push({ name, value: collapse(value), conditions: ctx.conditionsAt(node.startPosition.row + ctx.lineOffset) });
  }
}

// ---------------------------------------------------------------- types and declarators

function typeOfSpecifier(node: Node | null): TypeRef {
  if (!node) return UNKNOWN_TYPE;
  switch (node.type) {
    case 'struct_specifier':
    case 'union_specifier':
    case 'enum_specifier':
      return { name: node.childForFieldName('name')?.text ?? '', pointer: 0 };
    case 'type_identifier':
    case 'primitive_type':
      return { name: node.text, pointer: 0 };
    case 'sized_type_specifier':
      return { name: collapse(node.text), pointer: 0 };
    case 'type_descriptor': {
      const t = typeOfSpecifier(node.childForFieldName('type'));
      return { name: t.name, pointer: t.pointer + pointerDepth(node.childForFieldName('declarator')) };
    }
    default:
      return { name: node.text.length < 60 ? collapse(node.text) : '', pointer: 0 };
  }
}

function pointerDepth(d: Node | null): number {
  let depth = 0;
  for (let n = d; n; n = n.childForFieldName('declarator')) {
    if (n.type === 'pointer_declarator' || n.type === 'abstract_pointer_declarator') depth++;
  }
  return depth;
}

interface DeclaratorInfo { name: string | undefined; pointer: number; isFunction: boolean; fnDeclarator: Node | null }

function declaratorInfo(d: Node): DeclaratorInfo {
  let pointer = 0;
  let isFunction = false;
  let fnDeclarator: Node | null = null;
  let n: Node | null = d;
  while (n) {
    // `FNAME(fetch)(args)`: a function declarator whose name is a name-pasting macro's call.
    const pasted = n.type === 'function_declarator' && isFunction ? pastedDeclaratorName(n) : null;
    if (pasted) return { name: pasted, pointer, isFunction, fnDeclarator };
    switch (n.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
        return { name: n.text, pointer, isFunction, fnDeclarator };
      case 'pointer_declarator':
        if (!isFunction) pointer++;
        break;
      case 'array_declarator':
        pointer++;
        break;
      case 'function_declarator':
        if (!isFunction) { isFunction = true; fnDeclarator = n; }
        break;
      case 'parenthesized_declarator':
        n = n.namedChild(0);
        continue;
      default:
        break;
    }
    n = n.childForFieldName('declarator');
  }
  return { name: undefined, pointer, isFunction, fnDeclarator };
}

/** `FNAME(fetch)` as the declarator of `FNAME(fetch)(struct kvm_vcpu *vcpu, …)`; null for any other. */
function pastedDeclaratorName(inner: Node): string | null {
  return pastedName(inner.childForFieldName('declarator'), inner.childForFieldName('parameters'));
}

function paramsOf(fnDeclarator: Node | null): Param[] {
  const list = fnDeclarator?.childForFieldName('parameters');
  if (!list) return [];
  const params: Param[] = [];
  for (const p of list.namedChildren) {
    if (!p || p.type !== 'parameter_declaration') continue;
    const type = typeOfSpecifier(p.childForFieldName('type'));
    const d = p.childForFieldName('declarator');
    if (!d) {
      if (type.name !== 'void') params.push({ name: '', type });
      continue;
    }
    const info = declaratorInfo(d);
    params.push({ name: info.name ?? '', type: { name: type.name, pointer: type.pointer + info.pointer } });
  }
  return params;
}

// ---------------------------------------------------------------- functions

function convertFunction(node: Node, ctx: Ctx): FunctionFacts | null {
  const declarator = node.childForFieldName('declarator');
  const body = node.childForFieldName('body');
  if (!declarator || !body) return null;
  const info = declaratorInfo(declarator);
  if (!info.name || !info.isFunction) return null;
  const before = ctx.errors;
  if (declarator.hasError) ctx.errors++;
  const isStatic = hasStorageClass(node, 'static');
  const ret = typeOfSpecifier(node.childForFieldName('type'));
  const stmts = convertBlock(body, ctx);
  return {
    name: info.name,
    file: ctx.file,
    line: node.startPosition.row + ctx.lineOffset,
    isStatic,
    conditions: [],
    params: paramsOf(info.fnDeclarator),
    returnType: { name: ret.name, pointer: ret.pointer + info.pointer },
    body: stmts,
    isMacro: false,
    errors: ctx.errors - before,
  };
}

function pos(node: Node, ctx: Ctx): Pos {
  return { line: node.startPosition.row + ctx.lineOffset, col: node.startPosition.column + 1 };
}

function convertBlock(node: Node | null, ctx: Ctx): Stmt[] {
  if (!node) return [];
  if (node.type !== 'compound_statement') return convertStmt(node, ctx);
  const out: Stmt[] = [];
  for (const c of node.namedChildren) if (c) out.push(...convertStmt(c, ctx));
  return out;
}

function convertStmt(node: Node, ctx: Ctx): Stmt[] {
  switch (node.type) {
    case 'compound_statement':
      return [{ k: 'block', body: convertBlock(node, ctx) }];
    case 'expression_statement': {
      const e = node.namedChild(0);
      if (node.hasError) countErrors(node, ctx);
      return e ? [{ k: 'expr', e: convertExpr(e, ctx), pos: pos(node, ctx) }] : [];
    }
    case 'declaration':
      return convertDeclaration(node, ctx);
    case 'if_statement': {
      const alt = node.childForFieldName('alternative');
      return [{
        k: 'if',
        cond: convertExpr(unparen(node.childForFieldName('condition')), ctx),
        then: convertBlock(node.childForFieldName('consequence'), ctx),
        else: alt ? convertBlock(alt.type === 'else_clause' ? alt.namedChild(0) : alt, ctx) : [],
        pos: pos(node, ctx),
      }];
    }
    case 'for_statement': {
      const init = node.childForFieldName('initializer');
      const initStmts = init && init.type === 'declaration' ? convertDeclaration(init, ctx) : [];
      const loop: Stmt = {
        k: 'loop',
        init: init && init.type !== 'declaration' ? convertExpr(init, ctx) : null,
        test: optExpr(node.childForFieldName('condition'), ctx),
        update: optExpr(node.childForFieldName('update'), ctx),
        body: convertBlock(node.childForFieldName('body'), ctx),
        macro: ctx.loopMacros.get(node.startIndex) ?? null,
        pos: pos(node, ctx),
      };
      return [...initStmts, loop];
    }
    case 'while_statement':
    case 'do_statement':
      return [{
        k: 'loop', init: null, update: null, macro: null, pos: pos(node, ctx),
        test: optExpr(unparen(node.childForFieldName('condition')), ctx),
        body: convertBlock(node.childForFieldName('body'), ctx),
        ...(node.type === 'do_statement' ? { doWhile: true as const } : {}),
      }];
    case 'switch_statement':
      return [convertSwitch(node, ctx)];
    case 'return_statement': {
      const v = node.namedChild(0);
      return [{ k: 'return', value: v ? convertExpr(v, ctx) : null, pos: pos(node, ctx) }];
    }
    case 'goto_statement':
      return [{ k: 'goto', label: node.childForFieldName('label')?.text ?? '', pos: pos(node, ctx) }];
    case 'labeled_statement': {
      const label = node.childForFieldName('label')?.text ?? '';
      const rest = node.namedChildren.filter((c): c is Node => !!c && c.type !== 'statement_identifier');
      return [{ k: 'label', name: label }, ...rest.flatMap((c) => convertStmt(c, ctx))];
    }
    case 'break_statement':
      return [{ k: 'break' }];
    case 'continue_statement':
      return [{ k: 'continue' }];
    case 'case_statement':
      return node.namedChildren.filter((c): c is Node => !!c && c.id !== node.childForFieldName('value')?.id)
        .flatMap((c) => convertStmt(c, ctx));
    case 'preproc_ifdef':
    case 'preproc_if':
      return [convertPreprocStmt(node, ctx)];
    case 'function_definition':
      // `for_each_x (a) { … }` that escaped normalisation parses as a nested definition.
      return [{
        k: 'loop', init: null, test: null, update: null, pos: pos(node, ctx),
        macro: node.childForFieldName('type')?.text ?? null,
        body: convertBlock(node.childForFieldName('body'), ctx),
      }];
    case 'attributed_statement':
      return node.namedChildren.filter((c): c is Node => !!c && c.type !== 'attribute_declaration')
        .flatMap((c) => convertStmt(c, ctx));
    case 'ERROR':
      ctx.errors++;
      return recoverFromError(node, ctx);
    case 'comment':
    case 'preproc_call':
    case 'preproc_def':
    case 'preproc_function_def':
    case 'preproc_include':
    case 'type_definition':
    case 'gnu_asm_expression':
    case 'asm_statement':
      return [];
    default:
      if (node.isMissing) { ctx.errors++; return []; }
      if (isExpressionNode(node)) return [{ k: 'expr', e: convertExpr(node, ctx), pos: pos(node, ctx) }];
      return recoverFromError(node, ctx);
  }
}

function convertDeclaration(node: Node, ctx: Ctx): Stmt[] {
  const base = declaredType(node);
  const isStatic = isStaticDeclaration(node);
  const out: Stmt[] = [];
  for (const d of node.childrenForFieldName('declarator')) {
    if (!d) continue;
    const info = declaratorInfo(d);
    if (!info.name || info.isFunction) continue;
    const value = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
    out.push({
      k: 'decl', name: info.name, pos: pos(d, ctx),
      type: { name: base.name, pointer: base.pointer + info.pointer },
      init: value ? convertExpr(value, ctx) : null,
      ...(isStatic ? { isStatic } : {}),
    });
  }
  return out;
}

function convertSwitch(node: Node, ctx: Ctx): Stmt {
  const body = node.childForFieldName('body');
  const cases: SwitchCase[] = [];
  let current: SwitchCase | null = null;
  for (const c of body?.namedChildren ?? []) {
    if (!c) continue;
    if (c.type === 'case_statement') {
      const value = c.childForFieldName('value');
      current = { label: value ? convertExpr(unparen(value), ctx) : null, body: [] };
      cases.push(current);
    } else if (!current) {
      // Statements before the first label run only when jumped into: no label matches them.
      current = { label: { k: 'other' }, body: [] };
      cases.push(current);
    }
    current.body.push(...convertStmt(c, ctx));
  }
  return { k: 'switch', value: convertExpr(unparen(node.childForFieldName('condition')), ctx), cases, pos: pos(node, ctx) };
}

function convertPreprocStmt(node: Node, ctx: Ctx): Stmt {
  const arms = conditionalArms(node);
  const toStmts = (arm: Arm): Stmt[] => arm.children.flatMap((c) => convertStmt(c, ctx));
  // Nest arms right to left: #if A / #elif B / #else C  ==  pp(A, …, pp(!(A) && (B), …, C)).
  const last = arms[arms.length - 1];
  let tail: Stmt[] = last?.isElse ? toStmts(last) : [];
  for (let i = arms.length - (last?.isElse ? 2 : 1); i >= 1; i--) {
    const arm = arms[i];
    if (arm) tail = [{ k: 'pp', cond: arm.condition, then: toStmts(arm), else: tail }];
  }
  const first = arms[0];
  return { k: 'pp', cond: first?.condition ?? '1', then: first ? toStmts(first) : [], else: tail };
}

/** Statements and expressions inside an ERROR node are still worth their calls. */
function recoverFromError(node: Node, ctx: Ctx): Stmt[] {
  const out: Stmt[] = [];
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (isStatementNode(c) || c.type === 'ERROR') out.push(...convertStmt(c, ctx));
    else if (isExpressionNode(c)) out.push({ k: 'expr', e: convertExpr(c, ctx), pos: pos(c, ctx) });
    else out.push(...recoverFromError(c, ctx));
  }
  return out;
}

function countErrors(node: Node, ctx: Ctx): void {
  if (node.isError || node.isMissing) ctx.errors++;
  for (const c of node.children) if (c && c.hasError) countErrors(c, ctx);
  for (const c of node.children) if (c && !c.hasError && c.isMissing) ctx.errors++;
}

const STATEMENT_TYPES = new Set([
  'compound_statement', 'expression_statement', 'declaration', 'if_statement', 'for_statement',
  'while_statement', 'do_statement', 'switch_statement', 'return_statement', 'goto_statement',
  'labeled_statement', 'break_statement', 'continue_statement', 'case_statement',
]);
function isStatementNode(n: Node): boolean { return STATEMENT_TYPES.has(n.type); }

const EXPRESSION_TYPES = new Set([
  'identifier', 'call_expression', 'field_expression', 'pointer_expression', 'assignment_expression',
  'binary_expression', 'unary_expression', 'update_expression', 'conditional_expression',
  'cast_expression', 'comma_expression', 'parenthesized_expression', 'subscript_expression',
]);
function isExpressionNode(n: Node): boolean { return EXPRESSION_TYPES.has(n.type); }

// ---------------------------------------------------------------- expressions

function unparen(node: Node | null): Node | null {
  let n = node;
  while (n && n.type === 'parenthesized_expression' && n.namedChildCount === 1 && n.namedChild(0)?.type !== 'compound_statement') {
    n = n.namedChild(0);
  }
  return n;
}

function optExpr(node: Node | null, ctx: Ctx): Expr | null {
  return node ? convertExpr(node, ctx) : null;
}

function convertExpr(node: Node | null, ctx: Ctx): Expr {
  if (!node) return { k: 'other' };
  switch (node.type) {
    case 'identifier':
      return { k: 'id', name: node.text };
    case 'number_literal': {
      const v = Number.parseInt(node.text, node.text.startsWith('0x') ? 16 : 10);
      return { k: 'num', value: Number.isNaN(v) ? 1 : v };
    }
    case 'true':
      return { k: 'num', value: 1 };
    case 'false':
    case 'null':
      return { k: 'num', value: 0 };
    case 'string_literal':
    case 'concatenated_string':
    case 'char_literal':
      return { k: 'str' };
    case 'field_expression':
      return {
        k: 'field',
        base: convertExpr(node.childForFieldName('argument'), ctx),
        field: node.childForFieldName('field')?.text ?? '',
        // The operator token follows the argument: `a->b.c` is `.` on `a->b`.
        arrow: node.childForFieldName('argument')?.nextSibling?.type === '->',
      };
    case 'pointer_expression': {
      const arg = convertExpr(node.childForFieldName('argument'), ctx);
      return node.childForFieldName('operator')?.text === '&' ? { k: 'addr', arg } : { k: 'deref', arg };
    }
    case 'subscript_expression':
      return {
        k: 'index',
        base: convertExpr(node.childForFieldName('argument'), ctx),
        index: convertExpr(node.childForFieldName('index'), ctx),
      };
    case 'call_expression':
      return convertCall(node, ctx);
    case 'assignment_expression':
      return {
        k: 'assign',
        op: node.childForFieldName('operator')?.text ?? '=',
        left: convertExpr(node.childForFieldName('left'), ctx),
        right: convertExpr(node.childForFieldName('right'), ctx),
      };
    case 'unary_expression': {
      const op = node.childForFieldName('operator')?.text;
      const arg = convertExpr(node.childForFieldName('argument'), ctx);
      if (op === '!') return { k: 'not', arg };
      return op === '-' || op === '~' || op === '+' ? { k: 'unary', op, arg } : { k: 'seq', items: [arg] };
    }
    case 'binary_expression': {
      const op = node.childForFieldName('operator')?.text ?? '';
      const left = convertExpr(node.childForFieldName('left'), ctx);
      const right = convertExpr(node.childForFieldName('right'), ctx);
      return op === '&&' || op === '||' ? { k: 'logic', op, left, right } : { k: 'bin', op, left, right };
    }
    case 'conditional_expression':
      return {
        k: 'cond',
        test: convertExpr(node.childForFieldName('condition'), ctx),
        then: convertExpr(node.childForFieldName('consequence'), ctx),
        else: convertExpr(node.childForFieldName('alternative'), ctx),
      };
    case 'cast_expression':
      return {
        k: 'cast',
        type: typeOfSpecifier(node.childForFieldName('type')),
        arg: convertExpr(node.childForFieldName('value'), ctx),
      };
    case 'parenthesized_expression': {
      const inner = node.namedChild(0);
      if (inner?.type === 'compound_statement') return { k: 'stmt', body: convertBlock(inner, ctx) };
      if (node.namedChildCount === 1) return convertExpr(inner, ctx);
      return { k: 'seq', items: node.namedChildren.filter((c): c is Node => !!c).map((c) => convertExpr(c, ctx)) };
    }
    case 'comma_expression':
      return {
        k: 'seq',
        items: [convertExpr(node.childForFieldName('left'), ctx), convertExpr(node.childForFieldName('right'), ctx)],
      };
    case 'update_expression': {
      const argument = node.childForFieldName('argument');
      const operator = node.childForFieldName('operator');
      const prefix = !!operator && !!argument && operator.startIndex < argument.startIndex;
      const op = `${prefix ? 'pre' : 'post'}${operator?.text ?? '++'}`;
      return { k: 'assign', op, left: convertExpr(argument, ctx), right: { k: 'num', value: 1 } };
    }
    case 'initializer_list':
      return convertInitializerList(node, ctx);
    case 'compound_literal_expression':
    case 'initializer_pair':
      return { k: 'seq', items: node.namedChildren.filter((c): c is Node => !!c && isValueNode(c)).map((c) => convertExpr(c, ctx)) };
    case 'type_descriptor':
      return { k: 'type', type: typeOfSpecifier(node) };
    case 'sizeof_expression':
    case 'alignof_expression':
    case 'offsetof_expression':
    case 'gnu_asm_expression':
      return { k: 'other' };
    case 'ERROR':
      ctx.errors++;
      return { k: 'seq', items: node.namedChildren.filter((c): c is Node => !!c && isValueNode(c)).map((c) => convertExpr(c, ctx)) };
    default:
      if (node.isMissing) ctx.errors++;
      return { k: 'other' };
  }
}

/** `{ .value = NULL, .name = "" }`: each item with the field its one designator names. */
function convertInitializerList(node: Node, ctx: Ctx): Expr {
  const items: Expr[] = [];
  const fields: string[] = [];
  for (const c of node.namedChildren) {
    if (!c || !isValueNode(c)) continue;
    const designators = c.type === 'initializer_pair' ? c.childrenForFieldName('designator') : [];
    const only = designators.length === 1 && designators[0]?.type === 'field_designator' ? designators[0].namedChild(0)?.text ?? '' : '';
    const value = c.type === 'initializer_pair' && only ? c.childForFieldName('value') : null;
    items.push(value ? convertExpr(value, ctx) : convertExpr(c, ctx));
    fields.push(value ? only : '');
  }
  return fields.some((f) => f) ? { k: 'seq', items, fields } : { k: 'seq', items };
}

function isValueNode(n: Node): boolean {
  return isExpressionNode(n) || n.type === 'initializer_list' || n.type === 'initializer_pair' || n.type === 'ERROR';
}

/**
 * A name-pasting macro: `FNAME(fetch)` in KVM's paging templates names the function
 * `paging64_fetch` or `ept_fetch`, depending on the includer. Definitions and calls keep it as
 * written, `FNAME(fetch)`: one function per template name, not one `FNAME` for all of them.
 */
const NAME_PASTING_MACRO = /^[A-Z][A-Z0-9_]*$/;

/** `MACRO(name)` when `macro` is an upper-case identifier and `list` holds one bare name; else null. */
function pastedName(macro: Node | null, list: Node | null): string | null {
  const items = list?.namedChildren.filter((a) => a?.type !== 'comment') ?? [];
  const [item] = items;
  // A call's argument is an identifier node; a declarator's parameter, a declaration of a bare type name.
  if (macro?.type !== 'identifier' || !NAME_PASTING_MACRO.test(macro.text) || items.length !== 1 || !item) return null;
  if (item.type !== 'identifier' && item.type !== 'parameter_declaration') return null;
  return /^[A-Za-z_]\w*$/.test(item.text) ? `${macro.text}(${item.text})` : null;
}

function convertCall(node: Node, ctx: Ctx): Expr {
  const calleeNode = node.childForFieldName('function');
  const pasted = calleeNode?.type === 'call_expression' ? pastedCallee(calleeNode) : null;
  const callee: Expr = pasted ? { k: 'id', name: pasted } : convertExpr(calleeNode, ctx);
  const argsNode = node.childForFieldName('arguments');
  const calleeName = callee.k === 'id' ? callee.name : '';
  const args: Expr[] = [];
  for (const a of argsNode?.namedChildren ?? []) {
    if (!a || a.type === 'comment') continue;
    // The type argument of container_of-style macros is a bare name after normalisation.
    if (TYPE_ARG_MACROS.has(calleeName) && args.length === 1 && a.type === 'identifier') {
      args.push({ k: 'type', type: { name: a.text, pointer: 1 } });
      continue;
    }
    args.push(a.type === 'compound_statement' ? { k: 'stmt', body: convertBlock(a, ctx) } : convertExpr(a, ctx));
  }
  return { k: 'call', callee, args, pos: pos(node, ctx), text: eventText(node.text) };
}

/** `FNAME(fetch)` as the callee of `FNAME(fetch)(vcpu, …)`; null for any other callee. */
function pastedCallee(call: Node): string | null {
  return pastedName(call.childForFieldName('function'), call.childForFieldName('arguments'));
}

function eventText(text: string): string {
  const t = collapse(text);
  return t.length > MAX_EVENT_TEXT ? `${t.slice(0, MAX_EVENT_TEXT - 3)}...` : t;
}

function collapse(text: string): string {
  return text.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();
}

// ---------------------------------------------------------------- macros

interface MacroDef { name: string; params: string[]; body: string; line: number }

function macroDef(node: Node, ctx: Ctx): MacroDef[] {
  const name = node.childForFieldName('name')?.text;
  const value = node.childForFieldName('value');
  if (!name || !value) return [];
  const params = (node.childForFieldName('parameters')?.namedChildren ?? [])
    .filter((p): p is Node => !!p && p.type === 'identifier').map((p) => p.text);
  return [{ name, params, body: value.text, line: value.startPosition.row + ctx.lineOffset }];
}

/**
 * Function-like macros become pseudo-functions: all bodies of a file are wrapped in dummy
 * definitions and parsed in one batch, each keeping its own line numbers. A body that does not
 * parse may swallow the wrappers after it: each one missing from the batch, and the one that
 * swallowed it, is parsed alone.
 */
async function extractMacros(path: string, defs: MacroDef[], facts: FileFacts): Promise<FunctionFacts[]> {
  if (defs.length === 0) return [];
  const entries = defs.map((def, index) => ({ def, index }));
  const batch = await parseMacros(path, entries);
  // A missing wrapper was swallowed by the nearest one before it that the batch has.
  const retry = new Set<number>();
  for (const { index } of entries) {
    if (batch.has(index)) continue;
    retry.add(index);
    let before = index - 1;
    while (before >= 0 && !batch.has(before)) before--;
    if (before >= 0) retry.add(before);
  }
  const alone = new Map<number, { fn: FunctionFacts; errors: number }>();
  for (const index of retry) for (const [at, parsed] of await parseMacros(path, [entries[index] as { def: MacroDef; index: number }])) alone.set(at, parsed);
  const out: FunctionFacts[] = [];
  defs.forEach((_, index) => {
    const parsed = alone.get(index) ?? batch.get(index);
    if (!parsed) return;
    facts.errorNodes += parsed.errors;
    out.push(parsed.fn);
  });
  return out;
}

/** Macro bodies wrapped and parsed together: by index into the file's macros, each one found. */
async function parseMacros(path: string, defs: { def: MacroDef; index: number }[]): Promise<Map<number, { fn: FunctionFacts; errors: number }>> {
  const starts: number[] = [];
  let text = '';
  let line = 0;
  for (const { def, index } of defs) {
    starts.push(line);
    // Line continuations become plain newlines so lines keep their numbers.
    const body = statementArguments(def.body.replace(/\\\r?\n/g, '\n').replace(/(^|[^#])#(?!#)\s*(\w+)/g, '$1"$2"').replace(/##/g, '  '));
    const chunk = `void __kd_macro_${index}(void) {${wrapMacroBody(body)}\n;}\n`;
    text += chunk;
    line += countLines(chunk);
  }
  const normalized = normalizeKernelC(text);
  const tree = await parseC(normalized.text);
  const loopMacros = new Map(normalized.loopMacros.map((m) => [m.offset, m.name]));
  const at = new Map(defs.map(({ index }, k) => [index, k]));
  const out = new Map<number, { fn: FunctionFacts; errors: number }>();
  try {
    for (const child of tree.rootNode.namedChildren) {
      if (!child || child.type !== 'function_definition') continue;
      const id = /__kd_macro_(\d+)/.exec(child.childForFieldName('declarator')?.text ?? '')?.[1];
      const k = id === undefined ? undefined : at.get(Number(id));
      const def = k === undefined ? undefined : defs[k]?.def;
      if (!def || k === undefined || out.has(Number(id))) continue;
      const ctx: Ctx = { file: path, lineOffset: def.line - (starts[k] ?? 0), loopMacros, errors: 0, conditionsAt: () => [] };
      const body = convertBlock(child.childForFieldName('body'), ctx);
      out.set(Number(id), {
        errors: ctx.errors,
        fn: {
          name: def.name, file: path, line: def.line, isStatic: false, conditions: [],
          params: def.params.map((p) => ({ name: p, type: UNKNOWN_TYPE })),
          returnType: UNKNOWN_TYPE, body, isMacro: true, errors: ctx.errors,
        },
      });
    }
  } finally {
    tree.delete();
  }
  return out;
}

/** A bare expression body becomes `return (expr);` so its value is the macro's value. */
function wrapMacroBody(body: string): string {
  const t = body.trim();
  if (t === '') return '';
  if (/^(do|for|while|if|switch)\b|^\{/.test(t) || /;\s*$/.test(t)) return `${body};`;
  return `return ${body};`;
}

const NOT_CALLS = new Set(['for', 'while', 'if', 'switch', 'return', 'sizeof', 'typeof', '__typeof__', 'case']);

/** Whether the `(` at `at` opens a call's arguments: a name (not a keyword) or `)` before it. */
function isCallParen(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && /\s/.test(text[i] as string)) i--;
  if (text[i] === ')') return true;
  let j = i;
  while (j >= 0 && /\w/.test(text[j] as string)) j--;
  return j < i && !NOT_CALLS.has(text.slice(j + 1, i + 1));
}

/**
 * Statements passed as one macro argument (`___wait_event(…, spin_unlock_irq(&lock); cmd;
 * schedule(); spin_lock_irq(&lock))`) become a statement expression, `({ …; })`: C has no
 * such argument, and tree-sitter would end the call at the first `;`. Lines stay where they are.
 */
export function statementArguments(body: string): string {
  interface Frame { argStart: number; statements: boolean; braces: number }
  const frames: Frame[] = [];
  const wraps: [number, number][] = [];
  const close = (frame: Frame, end: number): void => { if (frame.statements) wraps.push([frame.argStart, end]); };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    const top = frames[frames.length - 1];
    if (c === '"' || c === "'") {
      const quote = c;
      for (i++; i < body.length && body[i] !== quote && body[i] !== '\n'; i++) if (body[i] === '\\') i++;
    } else if (c === '(') {
      // Only a call's arguments: `for (;;)` has its own semicolons.
      frames.push({ argStart: i + 1, statements: false, braces: isCallParen(body, i) ? 0 : Infinity });
    } else if (c === ')' && top) {
      close(top, i);
      frames.pop();
    } else if (top && (c === '{' || c === '}')) {
      top.braces += c === '{' ? 1 : -1;
    } else if (top && top.braces === 0 && c === ',') {
      close(top, i);
      frames[frames.length - 1] = { argStart: i + 1, statements: false, braces: top.braces };
    } else if (top && top.braces === 0 && c === ';') {
      top.statements = true;
    }
  }
  let out = body;
  for (const [start, end] of wraps.sort((a, b) => b[0] - a[0])) out = `${out.slice(0, start)}({${out.slice(start, end)};})${out.slice(end)}`;
  return out;
}

function countLines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}
