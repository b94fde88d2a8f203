// Node's util.inspect.custom is the registered symbol below. Declaring it here, rather than
// importing node:util, keeps the runtime's public declarations free of @types/node, which a
// consumer would otherwise parse on every build.
export const inspectCustom: unique symbol = Symbol.for("nodejs.util.inspect.custom");
