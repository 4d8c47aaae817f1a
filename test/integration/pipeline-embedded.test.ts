import { pipelineContract } from '../support/pipeline-contract.ts';

// In-process bus + chdb: the runtime `npm start` gives a newcomer.
pipelineContract('in-process bus, chdb', { env: async () => ({}) });
