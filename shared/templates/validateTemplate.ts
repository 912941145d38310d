import { parseTemplate, type SyntaxErrorCode } from './parseTemplate.ts';
import { isKnownVariable, suggestVariable } from './templateVariables.ts';

export interface TemplateProblem {
  code: SyntaxErrorCode | 'unknown-variable';
  start: number;
  end: number;
  message: string;
}

/**
 * Everything wrong with a template, with positions: malformed syntax and unknown variables.
 * Used by the settings editor before saving and by the server's settings rule (SET2), so a bad
 * template is refused when it is saved, never discovered when it is sent.
 */
export function validateTemplate(source: string): TemplateProblem[] {
  const { parts, errors } = parseTemplate(source);
  const problems: TemplateProblem[] = [...errors];
  for (const part of parts) {
    if (part.type !== 'variable' || isKnownVariable(part.name)) continue;
    const suggestion = suggestVariable(part.name);
    problems.push({
      code: 'unknown-variable',
      start: part.start,
      end: part.end,
      message: `unknown variable "${part.name}"${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
    });
  }
  return problems.sort((a, b) => a.start - b.start);
}

/** One line per problem, with 1-based line and column: for error messages and refusals. */
export function describeProblems(source: string, problems: readonly TemplateProblem[]): string[] {
  return problems.map((p) => {
    const before = source.slice(0, p.start);
    const line = before.split('\n').length;
    const column = p.start - before.lastIndexOf('\n');
    return `line ${line}, column ${column}: ${p.message}`;
  });
}
