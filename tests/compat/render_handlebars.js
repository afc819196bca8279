// Renders tests/compat/handlebars_cases.json with the npm handlebars package
// and prints the outputs as a JSON array, for handlebars_compat to compare.
// usage: node render_handlebars.js CASES.json (NODE_PATH points at handlebars)
const fs = require("fs");
const Handlebars = require("handlebars");
const cases = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const out = cases.map((c) => Handlebars.compile(c.template)(c.data));
process.stdout.write(JSON.stringify(out));
