// One reporting round through the typed client, against a running API:
//   CCHC_BASE_URL=http://127.0.0.1:8080 CCHC_ADMIN_TOKEN=cchc_… node dist/examples/round.js
// The Office lists the periods and units, creates and opens a period for one unit, and gives the
// unit a reporter token; the unit starts its report, fills it in (If-Match with the ETag it was
// given), attaches its narrative as a PDF and submits it; the Office accepts it and reads the
// compliance board. Every value comes typed from the document: no casts.
import { createCchcClient, type Schemas } from "../src/index.js";

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of a success, or a thrown error with the status and problem. */
function ok<T>(step: string, answer: Answer<T>): T {
  if (answer.data === undefined) {
    throw new Error(
      `${step}: ${answer.response.status} ${JSON.stringify(answer.error ?? null)}`,
    );
  }
  console.log(`[round] ${step}: ${answer.response.status}`);
  return answer.data;
}

function expect(condition: boolean, what: string): void {
  if (!condition) {
    throw new Error(`[round] expected ${what}`);
  }
}

function header(response: Response, name: string): string {
  const value = response.headers.get(name);
  if (value === null) {
    throw new Error(`[round] ${response.url} answered without ${name}`);
  }
  return value;
}

/** A one-page PDF with a correct cross-reference table (ASCII, so its UTF-8 is itself). */
function minimalPdf(): string {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return out;
}

/** `YYYY-MM-DD` of a date in Vietnam's time (+07:00). */
function localDate(at: Date): string {
  return new Date(at.getTime() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

const base = process.env["CCHC_BASE_URL"];
const adminToken = process.env["CCHC_ADMIN_TOKEN"];
if (base === undefined || adminToken === undefined) {
  throw new Error("set CCHC_BASE_URL and CCHC_ADMIN_TOKEN");
}
const office = createCchcClient(base, adminToken);

const me: Schemas["Me"] = ok("who am I", await office.GET("/api/v1/me"));
expect(me.role === "admin", `an admin token, got ${me.role}`);

const open = ok(
  "open periods",
  await office.GET("/api/v1/periods", { params: { query: { status: "open", per_page: 200 } } }),
);
console.log(`[round] ${open.total} open period(s): ${open.items.map((p) => p.code).join(", ")}`);

const units = ok("units", await office.GET("/api/v1/units", { params: { query: { per_page: 200 } } }));
const unit = units.items.find((u) => u.active && u.kind !== "department");
if (unit === undefined) {
  throw new Error("no active reporting unit (run seed-demo first)");
}
const indicators = ok(
  "indicators",
  await office.GET("/api/v1/indicators", { params: { query: { per_page: 200 } } }),
);
const ratio = indicators.items.find((i) => i.kind === "ratio");
const count = indicators.items.find((i) => i.kind === "count");
if (ratio === undefined || count === undefined) {
  throw new Error("no ratio and count indicators (run seed-demo first)");
}

// A thematic period over last month, due in a month, for this unit and two indicators.
const now = new Date();
const code = `TS-${now.getTime().toString(36).toUpperCase()}`;
const monthAgo = new Date(now.getTime() - 30 * 86_400_000);
const dayAgo = new Date(now.getTime() - 86_400_000);
const due = new Date(now.getTime() + 30 * 86_400_000);
const createPeriod: Schemas["CreatePeriod"] = {
  code,
  title: `Báo cáo chuyên đề kiểm thử ứng dụng khách ${code}`,
  report_type: "ad_hoc",
  frequency: "ad_hoc",
  data_from: localDate(monthAgo),
  data_to: localDate(dayAgo),
  deadline: `${localDate(due)}T16:30:00+07:00`,
  indicator_codes: [ratio.code, count.code],
  unit_codes: [unit.code],
};
const key = `ts-round-${code}`;
const created = await office.POST("/api/v1/periods", {
  params: { header: { "Idempotency-Key": key } },
  body: createPeriod,
});
const period = ok("create a period", created);
expect(
  header(created.response, "Location") === `/api/v1/periods/${period.id}`,
  "Location naming the new period",
);
const replay = await office.POST("/api/v1/periods", {
  params: { header: { "Idempotency-Key": key } },
  body: createPeriod,
});
expect(ok("create it again, same key", replay).id === period.id, "the same period again");
expect(header(replay.response, "Idempotent-Replayed") === "true", "Idempotent-Replayed: true");

const opened = ok(
  "open it",
  await office.POST("/api/v1/periods/{id}/open", { params: { path: { id: period.id } } }),
);
expect(opened.status === "open", `an open period, got ${opened.status}`);

const token: Schemas["CreatedToken"] = ok(
  "a reporter token for the unit",
  await office.POST("/api/v1/tokens", {
    body: { name: `Cán bộ đầu mối ${unit.code}`, role: "reporter", unit_code: unit.code },
  }),
);
const reporter = createCchcClient(base, token.secret);

const started = await reporter.POST("/api/v1/periods/{id}/submissions", {
  params: { path: { id: period.id } },
  body: {},
});
const draft = ok("start the report", started);
expect(draft.status === "draft", `a draft, got ${draft.status}`);

const values: Record<string, Schemas["ValueInput"]> = {
  [ratio.code]: { numerator: 47, denominator: 50 },
  [count.code]: { number: 12 },
};
const filled = ok(
  "fill it in",
  await reporter.PATCH("/api/v1/submissions/{id}", {
    params: { path: { id: draft.id }, header: { "If-Match": header(started.response, "ETag") } },
    body: {
      narrative: "Đơn vị đã triển khai đầy đủ các nhiệm vụ cải cách hành chính trong kỳ.",
      values,
    },
  }),
);
expect(filled.revision > draft.revision, "a new revision");
const answered = filled.values.filter((v) => v.answered).length;
expect(answered === 2, `both values answered, got ${answered}`);

// The narrative as a PDF: the multipart body is typed from the document (`file` is a Blob),
// and FormData carries it with its file name.
const narrative: Schemas["AttachmentUpload"] = {
  file: new Blob([minimalPdf()], { type: "application/pdf" }),
  purpose: "narrative",
};
const attached = ok(
  "attach the narrative",
  await reporter.POST("/api/v1/submissions/{id}/attachments", {
    params: { path: { id: draft.id } },
    body: narrative,
    bodySerializer(body) {
      const form = new FormData();
      form.append("file", body.file, "bao-cao-thuyet-minh.pdf");
      form.append("purpose", body.purpose);
      return form;
    },
  }),
);
expect(attached.filename === "bao-cao-thuyet-minh.pdf", `the file's name, got ${attached.filename}`);

const submitted = ok(
  "submit it",
  await reporter.POST("/api/v1/submissions/{id}/submit", { params: { path: { id: draft.id } } }),
);
expect(submitted.status === "submitted", `submitted, got ${submitted.status}`);

const accepted = ok(
  "the Office accepts it",
  await office.POST("/api/v1/submissions/{id}/accept", { params: { path: { id: draft.id } } }),
);
expect(accepted.status === "accepted", `accepted, got ${accepted.status}`);

const board: Schemas["ComplianceBoard"] = ok(
  "the compliance board",
  await office.GET("/api/v1/periods/{id}/compliance", { params: { path: { id: period.id } } }),
);
const row = board.units.find((r) => r.unit_code === unit.code);
expect(row?.status === "accepted", `the unit's row accepted, got ${row?.status}`);
expect(board.totals.accepted === 1 && board.totals.expected === 1, "one of one accepted");
console.log(
  `[round] ${board.period_code}: ${board.totals.reported}/${board.totals.expected} reported, ` +
    `${board.totals.accepted} accepted, ${row?.unit_name}: ${row?.standing}, ${row?.timeliness ?? "–"}`,
);

// A refusal comes back typed: the document's problem.
const refused = await reporter.POST("/api/v1/submissions/{id}/accept", {
  params: { path: { id: draft.id } },
});
expect(refused.response.status === 403, `403 for a reporter accepting, got ${refused.response.status}`);
const problem: Schemas["Problem"] | undefined = refused.error;
expect(problem?.code === "forbidden", `problem code forbidden, got ${problem?.code}`);
console.log("[round] done: one reporting round through the typed client");
