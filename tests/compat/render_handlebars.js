// Renders compatibility cases with the npm handlebars package and prints
// the outputs as a JSON array, for handlebars_compat to compare. A cases
// file is a list of {template, data}, or a matrix {templates, data} that
// stands for every template with every data set (template-major order).
// usage: node render_handlebars.js CASES.json (NODE_PATH points at handlebars)
const fs = require("fs");
const Handlebars = require("handlebars");
const file = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const cases = Array.isArray(file)
  ? file
  : file.templates.flatMap((template) => file.data.map((data) => ({ template, data })));
const out = cases.map((c) => Handlebars.compile(c.template)(c.data));
process.stdout.write(JSON.stringify(out));
