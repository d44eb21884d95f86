// The same script as scenario.py, written against a TypeScript client generated from the live
// OpenAPI document by @hey-api/openapi-ts and compiled with `tsc --strict`: a closed set
// misspelt (an event kind, an outcome, a ground) fails to compile before anything is sent.
//
// Usage: node scenario.js BASE_URL TOKEN   (compiled with the generated client beside it)

import { client } from './client/client.gen';
import {
    addEvent, createRequest, listAuthorities, previewFigureImport, readRequest, refusalHistory,
    scorecard, uploadDocument,
} from './client/sdk.gen';

const [base, token] = process.argv.slice(2);
client.setConfig({ baseUrl: base, auth: token, throwOnError: true });

function check(condition: boolean, what: string): void {
    if (!condition) {
        throw new Error(`scenario: ${what}`);
    }
}

async function main(): Promise<void> {
    const authorities = (await listAuthorities()).data ?? [];
    const homeOffice = authorities.find((a) => a.name === 'Home Office');
    check(homeOffice !== undefined, 'the Home Office is listed');

    const created = await createRequest({
        body: {
            title: 'Potential victims in detention, 2025 (TypeScript)',
            body: 'Please provide the number of potential victims of modern slavery detained in 2025.',
            authority_id: homeOffice!.id,
            sent_on: '2026-05-01',
        },
        headers: { 'Idempotency-Key': 'scenario-ts-request-1' },
    });
    check(created.response.status === 201, 'the request is created');
    const id = created.data!.id;

    const refusal = await addEvent({
        path: { id },
        body: { kind: 'response', occurred_on: '2026-05-20', outcome: 'refused', grounds: ['foia-s40-2'] },
    });
    check(refusal.data!.event.kind === 'response', 'the refusal is recorded');
    await addEvent({ path: { id }, body: { kind: 'internal_review_requested', occurred_on: '2026-05-21' } });

    const read = await readRequest({ path: { id } });
    const kinds = read.data!.schedule.deadlines.map((d) => d.kind);
    check(kinds.includes('internal_review_response'), `a review is due: ${kinds.join(', ')}`);

    const table = 'Nationality,Detained\nAlbania,412\nVietnam,203\nEritrea,97\n';
    const document = await uploadDocument({
        path: { id },
        body: { file: new File([table], 'detained-2025.csv', { type: 'text/csv' }) },
    });
    check(document.response.status === 201, 'the table is stored');

    const preview = await previewFigureImport({
        path: { id: document.data!.id },
        body: {
            first_row: 2, value_column: 'B', breakdown_columns: 'A = nationality', indicator_id: 'D1.1',
            period_start: '2025-01-01', period_end: '2025-12-31',
            definition: 'Potential victims detained', definition_match: 'matches',
        },
    });
    check(preview.data!.figures === 3 && preview.data!.errors === 0, 'three figures, no error');

    const history = await refusalHistory();
    check(history.data!.exemptions['foia-s40-2']?.citation === 'FOIA s.40(2)', 'the history cites s.40(2)');

    const card = await scorecard({ auth: undefined });
    check((card.data?.demands.length ?? 0) > 0, 'the public scorecard lists the demands');
    console.log(`typescript scenario: ok (request ${id}, deadlines ${kinds.join(', ')})`);
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
