import { promotionContract } from '../support/promotion-contract.ts';
import { inProcessRuntime } from '../support/test-runtimes.ts';

// In-process bus + chdb: the server's own classifier members (two) follow the champion.
promotionContract(inProcessRuntime);
