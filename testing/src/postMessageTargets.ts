import ts from 'typescript'

/** One `postMessage` call whose `targetOrigin` is not provably an exact origin. */
export interface TargetFinding {
  readonly file: string
  readonly line: number
  readonly call: string
  /** Why it is not provable. */
  readonly reason: string
}

/** One `postMessage` in a page script inside a string, whose target the server substitutes. */
export interface SubstitutedTarget {
  readonly file: string
  readonly line: number
  /** The substituted expression, as written in the TypeScript file. */
  readonly expression: string
}

const isOrigin = (value: string) =>
  value === '/' || (URL.canParse(value) && new URL(value).origin === value)

/** `location.origin`, `url.origin` and `new URL(…).origin` are origins by construction. */
function isOriginProperty(node: ts.Expression, checker: ts.TypeChecker): boolean {
  if (!ts.isPropertyAccessExpression(node) || node.name.text !== 'origin') return false
  const owner = checker.getTypeAtLocation(node.expression).getSymbol()?.getName()
  return owner === 'Location' || owner === 'URL'
}

function literalOrigins(type: ts.Type): boolean {
  const parts = type.isUnion() ? type.types : [type]
  return parts.every((part) => part.isStringLiteral() && isOrigin(part.value))
}

function checkTarget(
  target: ts.Expression | undefined,
  checker: ts.TypeChecker,
): string | undefined {
  if (!target) return 'no targetOrigin'
  if (isOriginProperty(target, checker)) return undefined
  const type = checker.getTypeAtLocation(target)
  if (literalOrigins(type)) return undefined
  return `targetOrigin ${target.getText()} has type ${checker.typeToString(type)}`
}

/** A page script's own bindings: `const name = 'literal'` or `const name = <substitution>`. */
function scriptFindings(
  text: string,
  substitutions: readonly ts.Expression[],
): { reasons: string[]; substituted: ts.Expression[]; literals: number } {
  const script = ts.createSourceFile(
    'page.js',
    text,
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.JS,
  )
  const consts = new Map<string, ts.Expression>()
  const reasons: string[] = []
  const substituted: ts.Expression[] = []
  let literals = 0
  const resolve = (node: ts.Expression): ts.Expression =>
    ts.isIdentifier(node) && consts.has(node.text)
      ? resolve(consts.get(node.text) as ts.Expression)
      : node
  const visit = (node: ts.Node) => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.initializer &&
      ts.getCombinedNodeFlags(node) & ts.NodeFlags.Const
    ) {
      consts.set(node.name.text, node.initializer)
    }
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'postMessage' &&
      node.arguments.length !== 1
    ) {
      const target = node.arguments[1] && resolve(node.arguments[1])
      const hole = target && ts.isIdentifier(target) ? /^__oc_sub_(\d+)$/.exec(target.text) : null
      if (target && ts.isStringLiteralLike(target) && isOrigin(target.text)) {
        literals++
      } else if (hole) {
        substituted.push(substitutions[Number(hole[1])] as ts.Expression)
      } else {
        reasons.push(
          `page script: targetOrigin ${target?.getText() ?? '(none)'} is not a literal origin`,
        )
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(script)
  return { reasons, substituted, literals }
}

/**
 * Finds every `postMessage` in the given TypeScript sources whose `targetOrigin` is not provably an
 * exact origin, with the compiler's types: a literal origin (or `'/'`), a union of them, or the
 * `origin` of a `Location` or `URL`. `'*'`, a variable holding `'*'`, a plain `string` and
 * anything computed are findings. Calls without a `targetOrigin` parameter (BroadcastChannel,
 * MessagePort, workers) are skipped. Page scripts written inside string or template literals are
 * parsed too; a target the server substitutes there is returned for review.
 *
 * @param files the TypeScript files to check
 * @param options compiler options (those of tsconfig.base.json)
 */
export function findPostMessageTargets(
  files: readonly string[],
  options: ts.CompilerOptions,
  host?: ts.CompilerHost,
): { findings: TargetFinding[]; substituted: SubstitutedTarget[]; calls: number } {
  const program = ts.createProgram(files, options, host)
  const checker = program.getTypeChecker()
  const findings: TargetFinding[] = []
  const substituted: SubstitutedTarget[] = []
  let calls = 0
  for (const file of files) {
    const source = program.getSourceFile(file)
    if (!source) throw new Error(`not in the program: ${file}`)
    const at = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart()).line + 1
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression
        const name = ts.isPropertyAccessExpression(callee)
          ? callee.name.text
          : ts.isElementAccessExpression(callee) &&
              ts.isStringLiteralLike(callee.argumentExpression)
            ? callee.argumentExpression.text
            : undefined
        if (name === 'postMessage') {
          const declaration = checker.getResolvedSignature(node)?.getDeclaration()
          const second = declaration?.parameters[1]
          const secondName = second?.name.getText()
          let reason: string | undefined
          if (!declaration) {
            reason = 'the receiver has no known type'
          } else if (secondName === 'targetOrigin') {
            calls++
            reason = checkTarget(node.arguments[1], checker)
          } else if (second?.type?.getText() === 'WindowPostMessageOptions') {
            calls++
            // Without options the target is '/', the sender's own origin.
            const bag = node.arguments[1]
            const property =
              bag && ts.isObjectLiteralExpression(bag)
                ? bag.properties.find(
                    (p): p is ts.PropertyAssignment =>
                      ts.isPropertyAssignment(p) && p.name.getText() === 'targetOrigin',
                  )
                : undefined
            if (bag && !property) reason = `options ${bag.getText()} name no literal targetOrigin`
            else if (property) reason = checkTarget(property.initializer, checker)
          }
          if (reason) findings.push({ file, line: at(node), call: node.getText(), reason })
        }
      }
      if (
        (ts.isTemplateExpression(node) ||
          ts.isNoSubstitutionTemplateLiteral(node) ||
          ts.isStringLiteral(node)) &&
        node.getText().includes('postMessage(')
      ) {
        const holes: ts.Expression[] = []
        const text = ts.isTemplateExpression(node)
          ? node.head.text +
            node.templateSpans
              .map((span) => {
                holes.push(span.expression)
                return `__oc_sub_${holes.length - 1}${span.literal.text}`
              })
              .join('')
          : node.text
        // An HTML page: its inline scripts; anything else: the text itself, as a script.
        const scripts = [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)]
        for (const script of scripts.length ? scripts.map((match) => match[1] ?? '') : [text]) {
          const page = scriptFindings(script, holes)
          calls += page.reasons.length + page.substituted.length + page.literals
          for (const reason of page.reasons) {
            findings.push({ file, line: at(node), call: 'page script', reason })
          }
          for (const expression of page.substituted) {
            substituted.push({ file, line: at(expression), expression: expression.getText() })
          }
        }
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return { findings, substituted, calls }
}
