import { promotionContract } from '../support/promotion-contract.ts';

// In-process bus + chdb: the server's own classifier members (two) follow the champion.
promotionContract('in-process bus, chdb', { env: async () => ({ PULSE_EMBEDDED_CLASSIFIERS: '2' }) });
