/**
 * Payments simulation: a deterministic synthetic scenario of payments with planted OCSE
 * behaviours (notes T1–T6) hidden among legitimate look-alikes, and its ground-truth labels, for
 * measuring the recall and alert rate of the OCSE rule pack. `simulatePayments` is the entry
 * point; `prevail simulate payments` writes its output as JSONL or pacs.008. See
 * `docs/payments-simulation.md` for the population, the parameters and their sources.
 */

export {
  benignSlices,
  type ChatClass,
  type ChatLabel,
  type ChatLanguage,
  type ChatSlice,
  chatLanguages,
  riskySlices,
} from './chats/chat-labels.js';
export {
  type ChatSimEvent,
  type ChatSimulation,
  chatLanguagesOf,
  maximumChatConversations,
  simulateChats,
} from './chats/simulate-chats.js';
export type {
  LegitimateLabel,
  LegitimatePersona,
  PlantedKind,
  PlantedLabel,
  PlantedTypology,
  ScenarioLabel,
} from './labels.js';
export { defaultScenarioMix, type PlantedCounts, plantedCounts, type ScenarioMix } from './scenario-mix.js';
export {
  defaultSimulationStart,
  type Simulation,
  type SimulationOptions,
  simulatePayments,
} from './simulate-payments.js';
export {
  defaultSimulationProfile,
  type SimulationProfileName,
  simulationProfileNames,
} from './simulation-profile.js';
