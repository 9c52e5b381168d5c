import type { Random } from '../random.js';
import type { ChatLanguage } from './chat-labels.js';

/**
 * The values template slots are filled with, per language: fake first names, public places, fake
 * street addresses, apps people move chats to, small sums, clock times and the relations a
 * threat names. Handles and card codes are plainly fake (`$demo…`, `…@example.com`, `DEMO-…`).
 */
interface SlotValues {
  readonly names: readonly string[];
  readonly places: readonly string[];
  readonly addresses: readonly string[];
  readonly amounts: readonly string[];
  readonly times: readonly string[];
  readonly relations: readonly string[];
}

const apps = ['Snapchat', 'WhatsApp', 'Telegram', 'Discord', 'Signal', 'Instagram'] as const;

const slotValues: Readonly<Record<ChatLanguage, SlotValues>> = {
  en: {
    names: ['Sam', 'Alex', 'Jordan', 'Riley', 'Casey', 'Morgan'],
    places: ['the mall', 'the park', 'the library', 'the bus station'],
    addresses: ['12 Test Street', '40 Example Road', '7 Sample Lane'],
    amounts: ['$50', '$100', '$25'],
    times: ['4:30', '6pm', '3pm'],
    relations: ['friends', 'family', 'classmates', 'followers'],
  },
  fr: {
    names: ['Léo', 'Emma', 'Hugo', 'Chloé', 'Lucas', 'Inès'],
    places: ['centre commercial', 'parc', 'la médiathèque', 'la gare'],
    addresses: ['12 rue de l’Exemple', '40 avenue du Test', '7 allée Fictive'],
    amounts: ['50 €', '100 €', '25 €'],
    times: ['16h30', '18h', '15h'],
    relations: ['amis', 'proches', 'camarades', 'abonnés'],
  },
  es: {
    names: ['Lucía', 'Mateo', 'Sofía', 'Diego', 'Valeria', 'Pablo'],
    places: ['el centro comercial', 'el parque', 'la biblioteca', 'la estación'],
    addresses: ['calle Ejemplo 12', 'avenida Prueba 40', 'pasaje Ficticio 7'],
    amounts: ['50 €', '100 €', '25 €'],
    times: ['4:30', '6', '3'],
    relations: ['amigos', 'familiares', 'compañeros', 'seguidores'],
  },
  pt: {
    names: ['Ana', 'Pedro', 'Júlia', 'Gabriel', 'Beatriz', 'Lucas'],
    places: ['shopping', 'parque', 'biblioteca', 'terminal'],
    addresses: ['rua Exemplo 12', 'avenida Teste 40', 'travessa Fictícia 7'],
    amounts: ['R$ 100', 'R$ 200', 'R$ 50'],
    times: ['16h30', '18h', '15h'],
    relations: ['amigos', 'familiares', 'colegas', 'seguidores'],
  },
  tl: {
    names: ['Juan', 'Maria', 'Jose', 'Ana', 'Paolo', 'Bea'],
    places: ['mall', 'plaza', 'library', 'terminal'],
    addresses: ['12 Kalye Halimbawa', '40 Daang Pagsubok', '7 Eskinita Kunwari'],
    amounts: ['500 pesos', '1000 pesos', '300 pesos'],
    times: ['4:30', '6pm', '3pm'],
    relations: ['kaibigan', 'kamag-anak', 'kaklase', 'followers'],
  },
};

/** A fake P2P handle as people of `language` would write one (cashtag, Pix key, GCash number). */
export function fakeHandle(language: ChatLanguage, random: Random): string {
  const number = random.integer(10, 99);
  const name = random.pick(['kay', 'jay', 'mo', 'lee', 'rio', 'sky']);
  if (language === 'pt') return `demo.${name}${number}@example.com`;
  if (language === 'tl') return `0917555${String(random.integer(0, 9999)).padStart(4, '0')}`;
  return `$demo${name}${number}`;
}

/** A plainly fake gift-card code. */
export function fakeCardCode(random: Random): string {
  const group = () =>
    Array.from({ length: 4 }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'.charAt(random.integer(0, 31))).join('');
  return `DEMO-${group()}-${group()}-${group()}`;
}

/** Per conversation: the slot values its lines share (one handle, one app, one place). */
export interface ConversationSlots {
  readonly handle: string;
  readonly app: string;
  fill(template: string, random: Random): string;
}

/** Chooses a conversation's shared slot values; `fill` renders a template with them. */
export function conversationSlots(language: ChatLanguage, random: Random): ConversationSlots {
  const values = slotValues[language];
  const handle = fakeHandle(language, random);
  const app = random.pick(apps);
  const place = random.pick(values.places);
  return {
    handle,
    app,
    fill(template, lineRandom) {
      return template.replace(/\{(\w+)\}/g, (whole, slot: string) => {
        switch (slot) {
          case 'name':
            return lineRandom.pick(values.names);
          case 'app':
            return app;
          case 'place':
            return place;
          case 'address':
            return lineRandom.pick(values.addresses);
          case 'amount':
            return lineRandom.pick(values.amounts);
          case 'handle':
            return handle;
          case 'code':
            return fakeCardCode(lineRandom);
          case 'time':
            return lineRandom.pick(values.times);
          case 'relation':
            return lineRandom.pick(values.relations);
          default:
            return whole;
        }
      });
    },
  };
}
