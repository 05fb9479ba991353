// A number literal that a double cannot (or need not) hold exactly, for the generated inputs: `toJSON` leaves a
// token that `toLine` (generate.mjs) replaces with the bare literal, so the JSON line carries it digit for digit.
export class ExactLiteral {
  constructor(text) {
    this.text = text;
  }
  toJSON() {
    return `\u0001EXACT${this.text}\u0001`;
  }
}
export const EXACT_TOKEN = /"\\u0001EXACT([-+0-9.eE]+)\\u0001"/g;
